#include "credentials/common_passwords.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_set>

namespace sekisho::credentials {

namespace detail {
// Defined in the file CMake generates from credentials/common_passwords.txt.
std::string_view common_passwords_text();
} // namespace detail

namespace {

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// One entry a line; blank lines and lines starting with '#' are comments.
const std::unordered_set<std::string>& common_passwords() {
    static const std::unordered_set<std::string> entries = [] {
        std::unordered_set<std::string> set;
        std::string_view text = detail::common_passwords_text();
        while (!text.empty()) {
            std::size_t end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty() || line.front() == '#') continue;
            set.insert(ascii_lower(line));
        }
        return set;
    }();
    return entries;
}

} // namespace

bool is_common_password(std::string_view password) {
    return common_passwords().count(ascii_lower(password)) != 0;
}

std::size_t common_password_count() {
    return common_passwords().size();
}

} // namespace sekisho::credentials
