// The path prefix /_sekisho/ belongs to the gateway: answered here, never proxied.
#pragma once

#include "gateway/http/http_types.hpp"

#include <string_view>

namespace sekisho::gateway {

struct Runtime;

// Answers a request for a reserved path (JWKS, health; 404 for the rest).
Response answer_reserved(const Request& req, const Runtime& rt, bool keep_alive);

} // namespace sekisho::gateway
