// The routes: list — which host names and path prefixes go to which upstream.
#include "config/sections.hpp"
#include "config/values.hpp"

#include <map>
#include <utility>

namespace sekisho::config::detail {

namespace {

struct Claim {
    std::string route; // name of the route that serves this (host, path_prefix)
    int line = 0;
};

// Checks kept across routes: unique names, and no (host, path_prefix) served twice.
struct RouteTable {
    std::map<std::string, int> names; // name -> line
    std::map<std::pair<std::string, std::string>, Claim> claims;
};

void read_name(MapReader& route, RouteTable& table, std::string& out) {
    route.require("name", "a short unique name, e.g. emr");
    std::string name;
    if (!route.read_text("name", name)) return;
    if (!is_valid_route_name(name)) {
        route.problem("name", "'" + name + "' may contain only letters, digits, '.', '_' and '-'");
        return;
    }
    const auto [it, inserted] = table.names.emplace(name, route.line_of("name"));
    if (!inserted) {
        route.problem("name", "route name '" + name + "' is already used on line " +
                                  std::to_string(it->second));
    }
    out = name;
}

std::vector<Scalar> read_hosts(MapReader& route, std::vector<std::string>& out) {
    route.require("hosts", "the host names this route serves, e.g. [emr.example.jp]");
    std::vector<Scalar> located;
    for (auto host : route.scalar_list("hosts", true)) {
        std::string error;
        auto name = parse_host_name(host.value, error);
        if (!name) {
            route.context().problem(host.line, host.key, error);
            continue;
        }
        out.push_back(*name);
        host.value = std::move(*name);
        located.push_back(std::move(host));
    }
    return located;
}

bool read_path_prefix(MapReader& route, std::string& out) {
    const auto prefix = route.scalar("path_prefix");
    if (!prefix) return !route.has("path_prefix");
    if (!prefix->value.starts_with('/')) {
        route.problem("path_prefix", "must start with '/', e.g. / or /viewer/");
        return false;
    }
    if (prefix->value.find_first_of("?# \t") != std::string::npos) {
        route.problem("path_prefix", "must be a plain path, without '?', '#' or spaces");
        return false;
    }
    out = prefix->value;
    return true;
}

void read_upstream(MapReader& route, Upstream& out) {
    route.require("upstream", "where requests go, e.g. https://10.0.0.5:443");
    const auto url = route.scalar("upstream");
    if (!url) return;
    std::string error;
    if (auto upstream = parse_upstream_url(url->value, error)) {
        out = std::move(*upstream);
    } else {
        route.problem("upstream", error);
    }
}

void claim_hosts(MapReader& route, RouteTable& table, const Route& result,
                 const std::vector<Scalar>& hosts) {
    for (const auto& host : hosts) {
        const Claim claim{result.name.empty() ? route.path() : result.name, host.line};
        const auto [it, inserted] =
            table.claims.emplace(std::pair(host.value, result.path_prefix), claim);
        if (inserted) continue;
        route.context().problem(host.line, host.key,
                                "host '" + host.value + "' with path_prefix '" +
                                    result.path_prefix + "' is already served by route '" +
                                    it->second.route + "' (line " +
                                    std::to_string(it->second.line) + ")");
    }
}

bool is_valid_role_name(std::string_view role) {
    if (role.empty() || role.size() > 64) return false;
    for (char c : role)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
}

void read_roles(MapReader& route, std::string_view key, std::vector<std::string>& out) {
    for (const auto& role : route.scalar_list(key, true)) {
        if (!is_valid_role_name(role.value))
            route.context().problem(role.line, role.key,
                                    "'" + role.value + "' is not a role name (lower-case letters, digits, '_', '-')");
        else
            out.push_back(role.value);
    }
}

// Who may use the route beyond the terminal certificate: login, roles, facilities.
void read_access(MapReader& route, bool have_registry, Route& result) {
    result.login = have_registry;
    if (route.read_bool("login", result.login) && result.login && !have_registry)
        route.problem("login", "needs a registry (registry.sqlite or registry.postgresql): the users who "
                              "log in are kept in the registry");
    route.read_bool("api", result.api);
    read_roles(route, "roles", result.roles);
    read_roles(route, "cross_facility_roles", result.cross_facility_roles);
    if (!result.login && (!result.roles.empty() || !result.cross_facility_roles.empty()))
        route.problem(route.has("roles") ? "roles" : "cross_facility_roles",
                      "has no effect on a route without login (login: false)");
}

Route read_route(MapReader& route, bool have_pkcs11_module, bool have_registry, RouteTable& table) {
    Route result;
    read_name(route, table, result.name);
    const auto hosts = read_hosts(route, result.hosts);
    const bool prefix_ok = read_path_prefix(route, result.path_prefix);
    read_upstream(route, result.upstream);
    if (route.has("upstream_tls")) {
        if (auto section = route.mapping("upstream_tls")) {
            result.upstream_tls = read_upstream_tls(*section, have_pkcs11_module);
            if (result.upstream.scheme == "http") {
                route.problem("upstream_tls", "has no effect: the upstream is http://; use an "
                                              "https:// upstream or remove upstream_tls");
            }
        }
    }
    route.read_bool("websocket", result.websocket);
    route.read_bool("allow_path_parameters", result.allow_path_parameters);
    result.audience = result.name;
    route.read_text("audience", result.audience);
    read_access(route, have_registry, result);
    route.finish();
    if (prefix_ok) claim_hosts(route, table, result, hosts);
    return result;
}

} // namespace

void read_routes(MapReader& root, bool have_pkcs11_module, bool have_registry, std::vector<Route>& out) {
    root.require("routes", "at least one route: name, hosts, upstream");
    RouteTable table;
    for (auto& route : root.mapping_list("routes")) {
        out.push_back(read_route(route, have_pkcs11_module, have_registry, table));
    }
}

} // namespace sekisho::config::detail
