// A response that machines fetch often and that changes rarely (the JWKS): a client may keep
// it for max_age (RFC 9111 §5.2.2.1) and then revalidate it with If-None-Match against its
// ETag (RFC 9110 §13.1.2), getting a bodiless 304 while it is unchanged.
#pragma once

#include "gateway/http/http_types.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace sekisho::gateway {

// etag: a quoted strong entity tag, e.g. "\"abc\"". 200 with the body, Cache-Control
// "public, max-age=N" and ETag; or 304 with the same two fields when the request's
// If-None-Match names etag (weakly compared, as RFC 9110 asks for GET and HEAD) or is "*".
Response make_cacheable_response(const Request& req, std::string_view content_type, std::string body,
                                 std::string_view etag, std::chrono::seconds max_age, bool keep_alive);

// Whether an If-None-Match field value (a list of entity tags, or "*") names etag.
bool if_none_match_names(std::string_view field_value, std::string_view etag);

} // namespace sekisho::gateway
