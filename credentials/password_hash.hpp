// Password hashing with Argon2id (libargon2), in the standard encoded form
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<tag> so that each stored hash carries its
// own parameters and old hashes stay verifiable after the parameters change.
//
// hash_password, verify_password and dummy_hash cost tens of milliseconds and ~19 MiB each
// by design: call them on the blocking pool, never on an I/O thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sekisho::credentials {

// REQUIREMENTS §3 / issue 4 defaults: m = 19 MiB, t = 2, p = 1 (the OWASP minimum for Argon2id).
struct Argon2Params {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
};

inline constexpr std::size_t kPasswordSaltBytes = 16;
inline constexpr std::size_t kPasswordTagBytes = 32;

// Hashing could not be done: parameters libargon2 refuses, memory, or the random generator.
class PasswordHashError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A fresh 16-byte salt from OpenSSL's RAND_bytes and a 32-byte tag. Blocking (see above).
// Throws PasswordHashError.
std::string hash_password(std::string_view password, const Argon2Params& params);

// True only when encoded is a well-formed Argon2id hash of password. Any malformed, truncated
// or other-algorithm hash gives false; never throws. Blocking (see above).
bool verify_password(std::string_view password, const std::string& encoded) noexcept;

// True when encoded was not made with exactly these parameters (or is not a well-formed
// Argon2id v=19 hash): after a successful login, hash the password again and store it.
bool needs_rehash(const std::string& encoded, const Argon2Params& params);

// A valid hash of a random password nobody knows, made once per process and per parameter
// set. Verify unknown users' passwords against it so that their failure takes as long as a
// known user's. Blocking on first use for each parameter set.
const std::string& dummy_hash(const Argon2Params& params = Argon2Params{});

} // namespace sekisho::credentials
