// A request as it goes to an upstream: HTTP/1.1 text in one contiguous buffer, written
// with one send. Beast's serializer walks a buffer sequence per field instead (a tenth of
// a keep-alive request's CPU); the bytes are the same. The body must be framed by
// Content-Length or absent (rewrite_for_upstream makes it so): chunked is never written.
#pragma once

#include "gateway/http/http_types.hpp"

#include <string>

namespace sekisho::gateway {

std::string http11_wire(const Request& req);

} // namespace sekisho::gateway
