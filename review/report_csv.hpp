// The review report as CSV (RFC 4180, UTF-8 with a byte-order mark so that Excel in a
// Japanese locale reads it as UTF-8, CRLF line ends): a header block, then one section per
// list — a "section" record with its key and heading, the column keys, the rows — each
// followed by an empty line. Every cell is safe to open in a spreadsheet: one that starts
// with = + - @ (or a tab or CR) is prefixed with ' so that it is never taken for a formula.
#pragma once

#include "review/review_report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::review {

// One field: the formula guard, then quoted (quotes doubled) when it holds , " CR or LF.
std::string csv_field(std::string_view cell);

// Fields joined by ',' and ended by CRLF.
std::string csv_record(const std::vector<std::string>& cells);

std::string render_csv(const ReviewReport& report);

} // namespace sekisho::review
