// Byte-wise with a 256-entry table built at compile time: a PROXY header is at most a few
// hundred bytes, once per connection, so neither slicing-by-8 nor SSE4.2's crc32
// instruction would be noticed, and this stays portable and short.
#include "codec/crc32c.hpp"

#include <array>

namespace sekisho::codec {
namespace {

constexpr std::uint32_t kReflectedPolynomial = 0x82F63B78; // 0x1EDC6F41, bits reversed

constexpr std::array<std::uint32_t, 256> make_table() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? (c >> 1) ^ kReflectedPolynomial : c >> 1;
        table[i] = c;
    }
    return table;
}

constexpr auto kTable = make_table();

} // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc) {
    crc = ~crc;
    for (const std::uint8_t b : bytes) crc = kTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

} // namespace sekisho::codec
