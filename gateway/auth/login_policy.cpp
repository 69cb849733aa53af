#include "gateway/auth/login_policy.hpp"

#include "codec/jst_time.hpp"
#include "gateway/http/path.hpp"

#include <algorithm>

namespace sekisho::gateway::auth {

std::optional<std::string> safe_next(std::string_view next) {
    if (next.empty()) return std::string("/");
    if (next.size() > 2048 || next.front() != '/') return std::nullopt;
    if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::nullopt;
    for (unsigned char c : next)
        if (c <= 0x20 || c == 0x7f || c == '\\') return std::nullopt;
    // Browsers strip tabs/newlines and read backslashes as slashes; both are refused above.
    if (is_reserved_path(std::string(next.substr(0, next.find('?'))))) return std::nullopt;
    return std::string(next);
}

namespace {
bool contains_icase(std::string_view haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           }) != haystack.end();
}

bool has_common_role(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) != b.end()) return true;
    return false;
}
} // namespace

bool wants_json(const Request& req, const config::Route* route) {
    if (route && route->api) return true;
    const auto accept = req[http::field::accept];
    return contains_icase(accept, "application/json") && !contains_icase(accept, "text/html");
}

bool facility_allows(std::string_view user_facility, std::string_view terminal_facility,
                     const std::vector<std::string>& user_roles, const config::Route& route) {
    return user_facility == terminal_facility || has_common_role(user_roles, route.cross_facility_roles);
}

bool facility_allows_anywhere(std::string_view user_facility, std::string_view terminal_facility,
                              const std::vector<std::string>& user_roles, const config::Config& cfg) {
    if (user_facility == terminal_facility) return true;
    return std::any_of(cfg.routes.begin(), cfg.routes.end(), [&](const config::Route& r) {
        return r.login && has_common_role(user_roles, r.cross_facility_roles);
    });
}

bool roles_allow(const std::vector<std::string>& user_roles, const config::Route& route) {
    return route.roles.empty() || has_common_role(user_roles, route.roles);
}

std::vector<std::string> open_roles(const std::vector<std::string>& user_roles,
                                    const std::vector<config::LoginWindow>& windows,
                                    std::chrono::system_clock::time_point now) {
    if (windows.empty()) return user_roles;
    const auto [weekday, minute] = codec::jst_week_minute(now);
    std::vector<std::string> open;
    for (const auto& role : user_roles) {
        bool restricted = false, inside = false;
        for (const auto& w : windows) {
            if (w.role != role) continue;
            restricted = true;
            if ((w.days >> weekday & 1u) && minute >= w.start_minute && minute < w.end_minute) inside = true;
        }
        if (!restricted || inside) open.push_back(role);
    }
    return open;
}

bool login_window_open(const std::vector<std::string>& user_roles,
                       const std::vector<config::LoginWindow>& windows,
                       std::chrono::system_clock::time_point now) {
    return user_roles.empty() || !open_roles(user_roles, windows, now).empty();
}

std::string join_roles(const std::vector<std::string>& roles) {
    std::string out;
    for (const auto& role : roles) out += (out.empty() ? "" : ",") + role;
    return out;
}

} // namespace sekisho::gateway::auth
