// Random identifiers of registry rows, from OpenSSL's CSPRNG.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::credentials {

// prefix + 16 lower-case hex characters (64 random bits), e.g. "dev-3f9c0a1b2c3d4e5f".
std::string random_id(std::string_view prefix);

} // namespace sekisho::credentials
