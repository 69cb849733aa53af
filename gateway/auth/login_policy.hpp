// The pure decisions of the login flow, apart from any I/O so that each can be tested
// alone: where a login may send the browser, whether a request is an API call, which
// facility and time rules let a user in.
#pragma once

#include "config/config.hpp"
#include "gateway/http/http_types.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::gateway::auth {

// `next` after login: a path on this site ("/..."), never "//host", "/\host", a scheme,
// control characters or a gateway page. nullopt = refuse (an open-redirect attempt).
std::optional<std::string> safe_next(std::string_view next);

// API clients get 401 JSON instead of a redirect: routes marked api, or a request that
// asks for JSON and not for HTML.
bool wants_json(const Request& req, const config::Route* route);

// A user of one facility may work on a terminal of another only where a route names one
// of the user's roles in cross_facility_roles.
bool facility_allows(std::string_view user_facility, std::string_view terminal_facility,
                     const std::vector<std::string>& user_roles, const config::Route& route);
// At login: whether any route could admit the user on this terminal.
bool facility_allows_anywhere(std::string_view user_facility, std::string_view terminal_facility,
                              const std::vector<std::string>& user_roles, const config::Config& cfg);

// Route roles: empty admits any logged-in user, otherwise one of them is needed.
bool roles_allow(const std::vector<std::string>& user_roles, const config::Route& route);

// Login windows are in Japan time (UTC+9, no daylight saving). The roles a session gets:
// those of the user that are open now (a role with no window is always open), so a role
// restricted to day hours is not carried into the night by another one.
std::vector<std::string> open_roles(const std::vector<std::string>& user_roles,
                                    const std::vector<config::LoginWindow>& windows,
                                    std::chrono::system_clock::time_point now);
// Whether the user may log in now: a user without roles always, others with an open role.
bool login_window_open(const std::vector<std::string>& user_roles,
                       const std::vector<config::LoginWindow>& windows,
                       std::chrono::system_clock::time_point now);

// "a,b,c"
std::string join_roles(const std::vector<std::string>& roles);

} // namespace sekisho::gateway::auth
