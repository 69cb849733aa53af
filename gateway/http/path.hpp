// Request paths as the gateway reads them: percent-escapes, canonical form, and the
// gateway's own prefix. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::gateway {

// The value of one hex digit (either case), or -1.
int hex_value(char c);

// The byte of "%XY" at path[i] (path[i] == '%'), or -1 when the escape is malformed.
int percent_escape_at(std::string_view path, std::size_t i);

// Percent-decoded, with empty and "." segments removed and ".." applied; '\' separates
// segments too (as Windows backends read it).
std::string canonical_path(std::string_view path);

// True for /_sekisho and everything below it, also when disguised by percent-encoding,
// doubled slashes or dot segments, so that no spelling of it reaches a backend.
bool is_reserved_path(std::string_view path);

} // namespace sekisho::gateway
