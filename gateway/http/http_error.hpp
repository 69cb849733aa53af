// The one way the gateway answers by itself: a short plain-text page with a status.
#pragma once

#include "gateway/http/http_types.hpp"

#include <string_view>

namespace sekisho::gateway {

// "502 Bad Gateway\n\n<detail>\n"; never echoes request data. keep_alive=false adds
// Connection: close.
Response make_error_response(http::status status, std::string_view detail, bool keep_alive,
                             unsigned version = 11);

// A HEAD answer: the headers of the GET answer, Content-Length included, and no body
// (RFC 9110 §9.3.2); a body here would be read as the start of the next response.
void drop_body_for_head(Response& res);

Response make_text_response(http::status status, std::string_view content_type,
                            std::string body, bool keep_alive, unsigned version = 11);

} // namespace sekisho::gateway
