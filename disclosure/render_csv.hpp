// The self-disclosure (MDS/SDS) as CSV (RFC 4180, UTF-8 with a byte-order mark so that Excel
// in a Japanese locale reads it as UTF-8, CRLF line ends): one header record, then one record
// per entry in the 【別紙】's order — list, number, section, the question in the chosen
// language and in the other, the answer (in the chosen language) and its key, remarks, remedy,
// the configuration keys and the tests ("; "-joined). Every cell is safe to open in a
// spreadsheet: one that starts with = + - @ (or a tab or CR) is prefixed with ' so that it is
// never taken for a formula (the same guard as the periodic review's CSV).
#pragma once

#include "disclosure/document.hpp"

#include <string>

namespace sekisho::disclosure {

std::string render_csv(const Document& document, Lang lang);

} // namespace sekisho::disclosure
