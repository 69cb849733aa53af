// The self-disclosure (MDS/SDS) as a printable page for the hospital's file: one
// self-contained HTML document (inline CSS, no script, no external resource), A4 portrait,
// the two lists of the 【別紙】 in its order with a row per item. Every heading, question,
// remark and remedy appears in both languages: the chosen one first, the other beside it in
// a smaller grey span. The time it was generated is shown in JST; every value is escaped.
#pragma once

#include "disclosure/document.hpp"

#include <string>

namespace sekisho::disclosure {

std::string render_html(const Document& document, Lang lang);

} // namespace sekisho::disclosure
