// Bytes from OpenSSL's CSPRNG.
#pragma once

#include <string>

namespace sekisho::codec {

// n bytes from RAND_bytes; throws std::runtime_error when the generator fails (it never
// returns weak bytes instead).
std::string random_bytes(std::size_t n);

} // namespace sekisho::codec
