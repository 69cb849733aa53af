// The answers of the login flow: HTML pages with strict security headers, JSON for API
// clients, and redirects. All are no-store: nothing about a session may be cached.
#pragma once

#include "gateway/http/http_types.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace sekisho::gateway::auth {

Response html_page(http::status status, std::string body, bool keep_alive, unsigned version);
Response json_reply(http::status status, const boost::json::value& body, bool keep_alive, unsigned version);
Response json_error(http::status status, std::string_view error, bool keep_alive, unsigned version);
// status: 302 (from a proxied request) or 303 (after a form POST)
Response redirect(http::status status, std::string_view location, bool keep_alive, unsigned version);

// "/_sekisho/login?next=<encoded>"
std::string login_location(std::string_view next);

} // namespace sekisho::gateway::auth
