// Random identifiers and hex text, from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::store {

// n random bytes; throws RegistryError when the generator fails.
std::string random_bytes(std::size_t n);

// Lower-case hex of arbitrary bytes.
std::string to_lower_hex(std::string_view bytes);

// The bytes of hex text (either case); empty when the text is not even-length hex.
std::optional<std::string> from_hex(std::string_view hex);

// prefix + 16 lower-case hex characters (64 random bits), e.g. "dev-3f9c0a1b2c3d4e5f".
std::string random_id(std::string_view prefix);

} // namespace sekisho::store
