#include "gateway/http/path.hpp"

namespace sekisho::gateway {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int percent_escape_at(std::string_view path, std::size_t i) {
    if (i + 2 >= path.size()) return -1;
    const int high = hex_value(path[i + 1]);
    const int low = hex_value(path[i + 2]);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
}

std::string canonical_path(std::string_view path) {
    std::string decoded;
    decoded.reserve(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        const int byte = path[i] == '%' ? percent_escape_at(path, i) : -1;
        if (byte >= 0) {
            decoded += static_cast<char>(byte);
            i += 2;
        } else {
            decoded += path[i];
        }
    }
    std::string out;
    std::size_t pos = 0;
    while (pos <= decoded.size()) {
        auto next = decoded.find_first_of("/\\", pos);
        if (next == std::string::npos) next = decoded.size();
        std::string_view seg(decoded.data() + pos, next - pos);
        if (seg == "..") {
            auto cut = out.rfind('/');
            out.erase(cut == std::string::npos ? 0 : cut);
        } else if (!seg.empty() && seg != ".") {
            out += '/';
            out += seg;
        }
        pos = next + 1;
    }
    return out.empty() ? "/" : out;
}

bool is_reserved_path(std::string_view path) {
    const bool disguised = path.find('%') != std::string_view::npos || path.find("//") != std::string_view::npos ||
                           path.find("/.") != std::string_view::npos || path.find('\\') != std::string_view::npos;
    if (!disguised) return path == "/_sekisho" || path.starts_with("/_sekisho/");
    const auto canon = canonical_path(path);
    return canon == "/_sekisho" || canon.starts_with("/_sekisho/");
}

} // namespace sekisho::gateway
