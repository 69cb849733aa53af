#include "gateway/reserved_paths.hpp"

#include "gateway/http_error.hpp"
#include "gateway/request_checks.hpp"
#include "gateway/runtime.hpp"

#include <cctype>
#include <string>

namespace sekisho::gateway {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Percent-decoded, with empty and "." segments removed and ".." applied.
std::string canonical_path(std::string_view path) {
    std::string decoded;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '%' && i + 2 < path.size() && hex_value(path[i + 1]) >= 0 && hex_value(path[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
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

} // namespace

bool is_reserved_path(std::string_view path) {
    const bool disguised = path.find('%') != std::string_view::npos || path.find("//") != std::string_view::npos ||
                           path.find("/.") != std::string_view::npos || path.find('\\') != std::string_view::npos;
    if (!disguised) return path == "/_sekisho" || path.starts_with("/_sekisho/");
    const auto canon = canonical_path(path);
    return canon == "/_sekisho" || canon.starts_with("/_sekisho/");
}

Response answer_reserved(const Request& req, const Runtime& rt, bool keep_alive) {
    const auto path = target_path(req.target());
    const bool read_only = req.method() == http::verb::get || req.method() == http::verb::head;
    if (path == "/_sekisho/jwks.json" || path == "/_sekisho/healthz") {
        if (!read_only) {
            auto res = make_error_response(http::status::method_not_allowed, "only GET and HEAD", keep_alive, req.version());
            res.set(http::field::allow, "GET, HEAD");
            return res;
        }
        if (path == "/_sekisho/healthz")
            return make_text_response(http::status::ok, "text/plain", "ok\n", keep_alive, req.version());
        auto res = make_text_response(http::status::ok, "application/jwk-set+json",
                                      rt.signer->jwks_json(), keep_alive, req.version());
        res.set(http::field::cache_control, "public, max-age=300");
        return res;
    }
    return make_error_response(http::status::not_found, "no such gateway page", keep_alive, req.version());
}

} // namespace sekisho::gateway
