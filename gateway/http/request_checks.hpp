// Strict request rules applied before anything is forwarded: one framing, no folding,
// no foreign targets, no tunnels. A request that breaks one is answered with a 4xx and the
// connection is closed, so no second (smuggled) request can follow on it.
#pragma once

#include "gateway/http/http_types.hpp"
#include "gateway/events/refusals.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::gateway {

struct Rejection {
    http::status status;
    RequestRejection reason;
    std::string detail; // for the log; the client sees only the status page
};

// On the raw header block (request line + fields + the final CRLFCRLF), before parsing:
// obs-fold, bare LF, NUL and other control characters.
std::optional<Rejection> check_header_block(std::string_view block);

// On the parsed header: method, target form, Host, framing fields, canonical path. sni may
// be empty. An absolute-form target for the right host is rewritten to origin-form in place.
// On success, *host receives the normalized host the request is for.
std::optional<Rejection> check_request_header(http::request_header<>& req,
                                              std::string_view sni, std::string* host);

// Routes are matched on the path as sent and the path is forwarded unchanged, so a path an
// upstream would normalize into another one (and so into another route) is refused: dot
// segments (also with ";params"), empty segments ("//"), backslash, '#', percent-encoded
// unreserved characters or '/' or '\', malformed percent-escapes. path is the part before
// '?'; the query is free.
std::optional<Rejection> check_canonical_path(std::string_view path);

// ";params" in a path segment ("/admin;jsessionid=x/users"): Tomcat and Spring drop them
// before routing, so the backend would see another path than the route matched. Refused
// unless the route allows them (routes[].allow_path_parameters).
std::optional<Rejection> check_path_parameters(std::string_view path, bool allowed);

// Maps a Beast parse error to the rejection the client gets.
Rejection rejection_for_parse_error(const boost::system::error_code& ec);

// The path part of an origin-form (or rewritten absolute-form) target, without the query.
std::string_view target_path(std::string_view target);

} // namespace sekisho::gateway
