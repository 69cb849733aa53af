// The per-request check on a login route: a live session from the cookie, bound to this
// terminal's certificate, whose user has the route's roles and facility, with no pending
// password change. Anything else is answered here (redirect, 401, 403) and never proxied.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/auth_service.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/auth/caller.hpp"
#include "gateway/events/refusals.hpp"

#include <optional>

namespace sekisho::gateway::auth {

struct GateOutcome {
    std::optional<session::Session> session; // admitted
    std::optional<Response> response;        // otherwise the answer
    RequestRejection rejection = RequestRejection::login_required;
};

struct GateRequest {
    const Request& req;
    const ClientIdentity& terminal;
    const config::Route& route;
    const config::Config& cfg;
    std::string_view peer;
    bool keep_alive;
};

Task<GateOutcome> check_session(AuthService& auth, GateRequest r);

// The answer while the session store cannot be reached: 503 with Retry-After, a page or
// JSON ("session_store_unavailable"), the cookie untouched. route: null for gateway pages.
GateOutcome store_unavailable(const Request& req, const config::Route* route, bool keep_alive);

} // namespace sekisho::gateway::auth
