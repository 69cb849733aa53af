// Messages as HTTP/1 text in one contiguous buffer, written with one send. Beast's
// serializer walks a buffer sequence per field instead (a tenth of a keep-alive request's
// CPU on the upstream side alone); the bytes are the same (tests/unit/gateway_wire_test.cpp).
#pragma once

#include "gateway/http/http_types.hpp"

#include <string>

namespace sekisho::gateway {

// A request as it goes to an upstream, in HTTP/1.1. The body must be framed by
// Content-Length or absent (rewrite_for_upstream makes it so): chunked is never written.
std::string http11_wire(const Request& req);

// The status line and fields of a response, through the blank line, in the response's own
// HTTP version; the body (framed by Content-Length) is the caller's to append.
std::string response_head_wire(const http::response_header<>& head);

} // namespace sekisho::gateway
