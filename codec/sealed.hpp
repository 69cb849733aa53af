// Sealing small values for a store that must not be able to read them: AES-256-GCM with a
// random 96-bit nonce, and HKDF-SHA256 to derive such keys from a secret and a purpose.
// A sealed value is nonce || ciphertext || tag; the associated data binds it to where it is
// kept (a key name), so a value moved to another key does not open.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::codec {

using SealKey = std::array<unsigned char, 32>;

// HKDF-SHA256 (RFC 5869) of secret with salt and info, 32 bytes. Throws std::runtime_error
// when OpenSSL cannot derive (a broken install).
SealKey derive_key(std::string_view secret, std::string_view salt, std::string_view info);

// Throws std::runtime_error when the random generator or the cipher fails.
std::string seal(const SealKey& key, std::string_view plaintext, std::string_view associated);
// The plaintext, or nullopt when the value was not sealed under key with this associated data
// (tampered, truncated, another key).
std::optional<std::string> open_sealed(const SealKey& key, std::string_view sealed, std::string_view associated);

} // namespace sekisho::codec
