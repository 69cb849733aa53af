#include "codec/crc32c.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

using sekisho::codec::crc32c;

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

} // namespace

// RFC 3720, appendix B.4: the CRC of each 32-byte pattern, as the value a receiver compares.
TEST_CASE("crc32c matches the known answers of RFC 3720 B.4") {
    std::array<std::uint8_t, 32> data{};
    CHECK(crc32c(data) == 0x8A9136AA); // 32 bytes of zeros
    data.fill(0xFF);
    CHECK(crc32c(data) == 0x62A8AB43);
    for (std::uint8_t i = 0; i < 32; ++i) data[i] = i;
    CHECK(crc32c(data) == 0x46DD794E); // ascending
    for (std::uint8_t i = 0; i < 32; ++i) data[i] = static_cast<std::uint8_t>(31 - i);
    CHECK(crc32c(data) == 0x113FDB5C); // descending
    const std::array<std::uint8_t, 48> iscsi_read_pdu{
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
        0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    CHECK(crc32c(iscsi_read_pdu) == 0xD9963A56);
}

TEST_CASE("crc32c has the catalogue check value and can be computed in parts") {
    const auto digits = bytes_of("123456789");
    CHECK(crc32c(digits) == 0xE3069283); // CRC-32C "check" of the CRC catalogue
    CHECK(crc32c({}) == 0);
    const std::span<const std::uint8_t> all(digits);
    CHECK(crc32c(all.subspan(4), crc32c(all.first(4))) == 0xE3069283);
}
