#include "gateway/http/routing.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace sekisho::gateway {

RouteTable::RouteTable(const std::vector<config::Route>& routes) : routes_(routes) {}

bool RouteTable::knows_host(std::string_view host) const {
    return std::any_of(routes_.begin(), routes_.end(), [&](const config::Route& r) {
        return std::find(r.hosts.begin(), r.hosts.end(), host) != r.hosts.end();
    });
}

const config::Route* RouteTable::match(std::string_view host, std::string_view path) const {
    const config::Route* best = nullptr;
    for (const auto& r : routes_) {
        if (std::find(r.hosts.begin(), r.hosts.end(), host) == r.hosts.end()) continue;
        if (!path_has_prefix(path, r.path_prefix)) continue;
        if (!best || r.path_prefix.size() > best->path_prefix.size()) best = &r;
    }
    return best;
}

// Without case: IIS and ASP.NET serve /ADMIN/users as /admin/users, so a case variant must
// not slip past a role-limited prefix to the general route beside it. And "/admin" is the
// "/admin/" route: most backends answer it with the same page or a redirect into it.
bool path_has_prefix(std::string_view path, std::string_view prefix) {
    const auto starts_with_icase = [](std::string_view s, std::string_view p) {
        return s.size() >= p.size() && boost::beast::iequals(s.substr(0, p.size()), p);
    };
    if (prefix.size() > 1 && prefix.ends_with('/') && path.size() == prefix.size() - 1 &&
        starts_with_icase(prefix, path))
        return true;
    if (!starts_with_icase(path, prefix)) return false;
    if (path.size() == prefix.size() || prefix.ends_with('/')) return true;
    return path[prefix.size()] == '/';
}

std::string normalize_host(std::string_view h) {
    std::string_view name = h;
    if (h.starts_with('[')) {
        auto close = h.find(']');
        if (close == std::string_view::npos) return {};
        name = h.substr(1, close - 1);
        auto rest = h.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) return {};
    } else if (auto colon = h.find(':'); colon != std::string_view::npos) {
        name = h.substr(0, colon);
        auto port = h.substr(colon + 1);
        if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            return {};
    }
    if (name.empty()) return {};
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '-' || c == '.' || c == ':' || c == '_')) return {};
        out += static_cast<char>(std::tolower(u));
    }
    if (out.ends_with('.')) out.pop_back(); // "example.jp." is "example.jp"
    return out;
}

} // namespace sekisho::gateway
