// A key from a passphrase a person keeps (a backup's secrets): scrypt (RFC 7914) through
// OpenSSL's EVP_KDF, so that guessing the passphrase of a stolen backup costs memory and
// time per guess. The parameters travel with what they sealed, so they can grow later.
#pragma once

#include "codec/sealed.hpp"

#include <cstdint>
#include <string_view>

namespace sekisho::codec {

struct ScryptParams {
    std::uint64_t n = 1u << 17; // CPU/memory cost: 128 MiB with r = 8 (OWASP's minimum)
    std::uint32_t r = 8;
    std::uint32_t p = 1;
};

// Throws std::invalid_argument for parameters out of bounds (n not a power of two in
// [2^14, 2^22], r in 1..32, p in 1..16: a tampered header must not make us allocate
// gigabytes), std::runtime_error when OpenSSL cannot derive.
SealKey passphrase_key(std::string_view passphrase, std::string_view salt, const ScryptParams& params);

} // namespace sekisho::codec
