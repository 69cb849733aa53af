// The bundled list of common passwords (credentials/common_passwords.txt, compiled into the binary
// at build time): passwords attackers try first, refused whatever the other rules say.
#pragma once

#include <cstddef>
#include <string_view>

namespace sekisho::credentials {

// True when password, compared case-insensitively (ASCII), is on the list.
bool is_common_password(std::string_view password);

// How many entries the list has (for tests and diagnostics).
std::size_t common_password_count();

} // namespace sekisho::credentials
