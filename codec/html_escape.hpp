// Text into HTML: the one escaper of the project — the gateway's own pages and the printable
// review report (review/report_html.cpp) both use it.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::codec {

// & < > " ' as entities: safe in element text and in quoted attribute values.
std::string html_escape(std::string_view s);

} // namespace sekisho::codec
