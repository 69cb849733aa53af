// The one way the gateway answers by itself: a short plain-text page with a status.
#pragma once

#include "gateway/http_types.hpp"

#include <string_view>

namespace sekisho::gateway {

// "502 Bad Gateway\n\n<detail>\n"; never echoes request data. keep_alive=false adds
// Connection: close.
Response make_error_response(http::status status, std::string_view detail, bool keep_alive,
                             unsigned version = 11);

Response make_text_response(http::status status, std::string_view content_type,
                            std::string body, bool keep_alive, unsigned version = 11);

} // namespace sekisho::gateway
