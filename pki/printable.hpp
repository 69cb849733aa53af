// Text that came from outside — a certificate's subject or organisation, a typed user name,
// a request path, a ticket id — made safe for the two places it ends up: a JSON record
// (which must be UTF-8, or verify and the next start stop at it) and an operator's terminal
// (where ESC, BEL or a C1 CSI would rewrite the screen, retitle the window or hide a line).
// One decoder for both, so "well-formed" means the same thing everywhere.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::pki {

// text as well-formed UTF-8: every byte that does not begin a complete, shortest-form
// sequence of a Unicode scalar value becomes U+FFFD.
std::string valid_utf8(std::string_view text);

enum class Newlines { escape, keep };

// text for a terminal or a log line: C0 controls and DEL as \xNN, C1 controls
// (U+0080..U+009F) as \u00NN, bytes that are not UTF-8 as \xNN; everything else as is.
// Newlines::keep leaves '\n' for a whole multi-line text; a single value escapes it, so it
// cannot start a line that looks like another record.
std::string printable(std::string_view text, Newlines newlines = Newlines::escape);

} // namespace sekisho::pki
