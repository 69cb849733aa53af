// The review report as a printable page for the inspector's file: one self-contained HTML
// document (inline CSS, no script, no external resource), headings in Japanese with the
// English beside them, the time it was generated in JST, every value escaped.
#pragma once

#include "review/review_report.hpp"

#include <string>

namespace sekisho::review {

std::string render_html(const ReviewReport& report);

} // namespace sekisho::review
