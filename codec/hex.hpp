// Hex text of bytes, and back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::codec {

// Lower-case hex of arbitrary bytes.
std::string to_lower_hex(std::string_view bytes);
std::string to_lower_hex(const unsigned char* bytes, std::size_t n);

// The bytes of hex text (either case); nullopt when the text is not even-length hex.
std::optional<std::string> from_hex(std::string_view hex);

} // namespace sekisho::codec
