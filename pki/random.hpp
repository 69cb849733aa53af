// Generated passwords, from OpenSSL's CSPRNG (random bytes themselves: codec/random.hpp).
#pragma once

#include <cstddef>
#include <string>

namespace sekisho::pki {

// length characters drawn uniformly from [A-Za-z0-9]: printable, safe in shells and JSON.
std::string random_password(std::size_t length = 20);

} // namespace sekisho::pki
