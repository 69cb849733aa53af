// The session cookie: __Host-sekisho=<id>; Secure; HttpOnly; SameSite=Strict; Path=/.
// The __Host- prefix makes browsers refuse it unless set by this host over HTTPS with
// Path=/ and no Domain, so a neighbouring host cannot plant one (session fixation).
#pragma once

#include "gateway/http/http_types.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::gateway::auth {

inline constexpr std::string_view kSessionCookie = "__Host-sekisho";

// The session id from the Cookie header(s). Absent, malformed, or sent more than once
// (a planted duplicate) all give nullopt. Never read from the query string.
std::optional<std::string> session_cookie(const http::fields& fields);

// Removes our cookie from every Cookie header (and drops headers left empty), so that
// backends never see a session id.
void strip_session_cookie(http::fields& fields);

// Removes Set-Cookie fields of an upstream response that would set or clear our cookie.
void strip_session_set_cookie(http::fields& fields);

std::string set_session_cookie(std::string_view id);
std::string clear_session_cookie();

} // namespace sekisho::gateway::auth
