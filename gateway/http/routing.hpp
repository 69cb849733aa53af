// Which route a request belongs to: by Host (exact, case-insensitive) and path prefix.
#pragma once

#include "config/config.hpp"

#include <string_view>
#include <vector>

namespace sekisho::gateway {

class RouteTable {
public:
    explicit RouteTable(const std::vector<config::Route>& routes);

    // Some route serves this host (lower-case, no port).
    bool knows_host(std::string_view host) const;

    // The route with the longest matching path prefix for this host, or nullptr.
    // A prefix matches on segment boundaries: "/app" matches "/app" and "/app/x", not "/apple";
    // case is ignored, and "/app/" matches "/app" too (path_has_prefix).
    const config::Route* match(std::string_view host, std::string_view path) const;

private:
    const std::vector<config::Route>& routes_;
};

// "Example.JP:8443" → "example.jp"; "[::1]:8443" → "::1". Empty when malformed.
std::string normalize_host(std::string_view host_header);

// True when path (without query) falls under prefix, on a segment boundary, ignoring case;
// "/admin" falls under "/admin/".
bool path_has_prefix(std::string_view path, std::string_view prefix);

} // namespace sekisho::gateway
