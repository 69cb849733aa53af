// SHA-256, the digest of session ids, audit records, ticket codes and JWS inputs.
//
// OpenSSL 3 looks the algorithm up in its provider tables on every EVP_Digest(EVP_sha256())
// (a fetch under a lock, a tenth of a request's CPU on the keep-alive path); here it is
// fetched once per process and each thread reuses one digest context.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace sekisho::codec {

using Sha256 = std::array<unsigned char, 32>;

// Throws std::runtime_error when OpenSSL cannot digest (no provider: a broken install).
Sha256 sha256(std::string_view data);
// Lower-case hex of sha256(data): 64 characters.
std::string sha256_hex(std::string_view data);

} // namespace sekisho::codec
