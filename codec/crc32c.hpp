// CRC32C (Castagnoli, the polynomial of iSCSI, RFC 3720), the checksum a PROXY protocol v2
// header may carry in its PP2_TYPE_CRC32C field. A checksum against corruption, not a
// signature: it proves nothing about who wrote the bytes.
#pragma once

#include <cstdint>
#include <span>

namespace sekisho::codec {

// The CRC32C of bytes. To checksum a message in parts, pass the previous result as crc.
std::uint32_t crc32c(std::span<const std::uint8_t> bytes, std::uint32_t crc = 0);

} // namespace sekisho::codec
