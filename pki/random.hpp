// Random values from OpenSSL's CSPRNG: certificate serials and generated passwords.
#pragma once

#include <cstddef>
#include <string>

namespace sekisho::pki {

// n bytes from RAND_bytes; throws OpensslError when the generator fails.
std::string random_bytes(std::size_t n);

// length characters drawn uniformly from [A-Za-z0-9]: printable, safe in shells and JSON.
std::string random_password(std::size_t length = 20);

} // namespace sekisho::pki
