// What the gateway's own pages share: HTML escaping and reading form / query parameters.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::gateway {

// & < > " ' as entities: safe in element text and in quoted attribute values (codec/html_escape.hpp).
std::string html_escape(std::string_view s);

// The decoded value of one parameter of a query string or an
// application/x-www-form-urlencoded body ("" when absent or malformed).
std::string query_parameter(std::string_view query, std::string_view name);

// Percent-encodes s for use as a query parameter value.
std::string url_encode(std::string_view s);

} // namespace sekisho::gateway
