// The path prefix /_sekisho/ belongs to the gateway: answered here, never proxied.
#pragma once

#include "gateway/http_types.hpp"

#include <string_view>

namespace sekisho::gateway {

struct Runtime;

// True for /_sekisho and everything below it, also when disguised by percent-encoding,
// doubled slashes or dot segments, so that no spelling of it reaches a backend.
bool is_reserved_path(std::string_view path);

// Answers a request for a reserved path (JWKS, health; 404 for the rest).
Response answer_reserved(const Request& req, const Runtime& rt, bool keep_alive);

} // namespace sekisho::gateway
