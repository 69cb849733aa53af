#include "gateway/listener/proxy_protocol.hpp"

#include "codec/crc32c.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>
#include <vector>

namespace sekisho::gateway::proxy_protocol {
namespace {

namespace ip = boost::asio::ip;
using Bytes = std::span<const std::uint8_t>;

constexpr std::array<std::uint8_t, 12> kV2Signature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                    0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::size_t kMinV1Length = 15; // "PROXY UNKNOWN\r\n"
constexpr std::uint8_t kTypeCrc32c = 0x03;

Invalid absent() { return Invalid{true, "the connection does not begin with a PROXY protocol header"}; }
Invalid invalid(std::string reason) { return Invalid{false, std::move(reason)}; }

std::string hex_byte(unsigned value) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02x", value);
    return text;
}

std::uint16_t be16(Bytes b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }

std::uint32_t be32(Bytes b, std::size_t at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
}

// --- version 1 ---------------------------------------------------------------------------

std::optional<std::uint16_t> v1_port(std::string_view text) {
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

std::optional<ip::address> v1_address(std::string_view text, bool v6) {
    if (text.find('%') != std::string_view::npos) return std::nullopt; // a scope id is no address of the wire
    boost::system::error_code ec;
    const std::string s(text);
    ip::address address = v6 ? ip::address(ip::make_address_v6(s, ec)) : ip::address(ip::make_address_v4(s, ec));
    if (ec) return std::nullopt;
    return address;
}

// The shortest complete line for what has arrived after "PROXY ", or Invalid.
std::variant<std::size_t, Invalid> v1_shortest(std::string_view rest) {
    static constexpr std::array<std::pair<std::string_view, std::size_t>, 3> protocols{
        {{"TCP4", 32},  // "PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n"
         {"TCP6", 22},  // "PROXY TCP6 :: :: 0 0\r\n"
         {"UNKNOWN", kMinV1Length}}};
    const auto token = rest.substr(0, rest.find_first_of(" \r"));
    const bool complete = token.size() < rest.size();
    for (const auto& [name, shortest] : protocols) {
        if (complete ? token == name : name.starts_with(token)) return complete ? shortest : kMinV1Length;
    }
    return invalid("v1 protocol is not TCP4, TCP6 or UNKNOWN");
}

Result v1_line(std::string_view line, std::size_t length) {
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const auto space = line.find(' ', start);
        fields.push_back(line.substr(start, space - start));
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    Header h;
    h.version = 1;
    h.command = Command::proxy;
    h.length = length;
    if (fields[0] == "UNKNOWN") return h; // the rest is to be ignored (spec 2.1)
    const bool v6 = fields[0] == "TCP6";
    if (fields.size() != 5) return invalid("v1 line needs 5 fields after PROXY separated by single spaces");
    const auto src = v1_address(fields[1], v6), dst = v1_address(fields[2], v6);
    if (!src || !dst) return invalid(std::string("v1 address is not a valid ") + (v6 ? "IPv6" : "IPv4") + " address");
    const auto sport = v1_port(fields[3]), dport = v1_port(fields[4]);
    if (!sport || !dport) return invalid("v1 port is not a number from 0 to 65535 without leading zeros");
    h.source = ip::tcp::endpoint(*src, *sport);
    h.destination = ip::tcp::endpoint(*dst, *dport);
    return h;
}

// The protocol is checked before the scan for CRLF, so the verdict on bytes that break it
// does not depend on how many of the bytes after it have arrived.
Result parse_v1(Bytes bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!kV1Prefix.starts_with(text.substr(0, kV1Prefix.size()))) return absent();
    if (text.size() < kV1Prefix.size()) return NeedMore{kMinV1Length};
    const std::size_t window = std::min(text.size(), kMaxV1Length);
    const auto protocol = v1_shortest(text.substr(kV1Prefix.size(), window - kV1Prefix.size()));
    if (const auto* bad = std::get_if<Invalid>(&protocol)) return *bad;
    const std::size_t shortest = std::get<std::size_t>(protocol);
    for (std::size_t i = kV1Prefix.size(); i < window; ++i) {
        const char c = text[i];
        if (c == '\r') {
            if (i + 2 > kMaxV1Length) break; // its LF would be byte 108
            if (i + 1 == text.size()) return NeedMore{std::max(i + 2, shortest)};
            if (text[i + 1] != '\n') return invalid("v1 line has a CR not followed by LF");
            return v1_line(text.substr(kV1Prefix.size(), i - kV1Prefix.size()), i + 2);
        }
        if (c == '\n') return invalid("v1 line ends with LF without CR");
        if (c < 0x20 || c > 0x7E) return invalid("v1 line holds a byte that is not printable ASCII");
    }
    if (text.size() >= kMaxV1Length) return invalid("v1 line has no CRLF within 107 bytes");
    return NeedMore{std::max(text.size() + 1, shortest)};
}

// --- version 2 ---------------------------------------------------------------------------

// The address block's size for a family/transport byte the spec defines; nullopt otherwise.
std::optional<std::size_t> v2_address_size(std::uint8_t family) {
    switch (family) {
    case 0x00: return 0;                  // UNSPEC
    case 0x11: case 0x12: return 12;      // TCP4, UDP4
    case 0x21: case 0x22: return 36;      // TCP6, UDP6
    case 0x31: case 0x32: return 216;     // UNIX stream, dgram
    default: return std::nullopt;
    }
}

void v2_addresses(Bytes b, std::uint8_t family, Header& h) {
    constexpr std::size_t at = kV2FixedLength;
    if (family == 0x11) {
        h.source = ip::tcp::endpoint(ip::address_v4(be32(b, at)), be16(b, at + 8));
        h.destination = ip::tcp::endpoint(ip::address_v4(be32(b, at + 4)), be16(b, at + 10));
    } else if (family == 0x21) {
        ip::address_v6::bytes_type src{}, dst{};
        std::copy_n(b.begin() + at, 16, src.begin());
        std::copy_n(b.begin() + at + 16, 16, dst.begin());
        h.source = ip::tcp::endpoint(ip::address_v6(src), be16(b, at + 32));
        h.destination = ip::tcp::endpoint(ip::address_v6(dst), be16(b, at + 34));
    }
}

// Walks the TLVs from `at` to the end of the header; *crc_at receives where a CRC32C value is.
std::optional<Invalid> v2_tlvs(Bytes header, std::size_t at, Header& h, std::optional<std::size_t>& crc_at) {
    while (at < header.size()) {
        if (header.size() - at < 3) return invalid("v2 TLV truncated at byte " + std::to_string(at));
        const std::uint8_t type = header[at];
        const std::size_t length = be16(header, at + 1);
        if (header.size() - at - 3 < length)
            return invalid("v2 TLV " + hex_byte(type) + " of " + std::to_string(length) + " bytes runs past the header");
        if (type == kTypeCrc32c) {
            if (length != 4) return invalid("v2 CRC32C TLV is " + std::to_string(length) + " bytes, not 4");
            if (crc_at) return invalid("v2 header carries two CRC32C TLVs");
            crc_at = at + 3;
        }
        ++h.tlv_count;
        at += 3 + length;
    }
    return std::nullopt;
}

// The CRC32C of the whole header with the checksum's own 4 bytes taken as zero.
std::optional<Invalid> v2_check_crc(Bytes header, std::size_t crc_at) {
    static constexpr std::array<std::uint8_t, 4> zeros{};
    std::uint32_t crc = codec::crc32c(header.first(crc_at));
    crc = codec::crc32c(zeros, crc);
    crc = codec::crc32c(header.subspan(crc_at + 4), crc);
    const std::uint32_t stated = be32(header, crc_at);
    if (crc == stated) return std::nullopt;
    char detail[96];
    std::snprintf(detail, sizeof detail, "v2 CRC32C mismatch: the header says %08x, its bytes give %08x",
                  static_cast<unsigned>(stated), static_cast<unsigned>(crc));
    return invalid(detail);
}

Result parse_v2(Bytes bytes) {
    const std::size_t n = std::min(bytes.size(), kV2Signature.size());
    if (!std::equal(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n), kV2Signature.begin()))
        return absent();
    if (bytes.size() < kV2FixedLength) return NeedMore{kV2FixedLength};
    const std::uint8_t version = bytes[12] >> 4, command = bytes[12] & 0x0F, family = bytes[13];
    if (version != 2) return invalid("v2 signature with version " + std::to_string(version));
    if (command > 1) return invalid("v2 command " + hex_byte(command) + " is neither LOCAL nor PROXY");
    const auto address_size = v2_address_size(family);
    if (!address_size) return invalid("v2 address family/transport " + hex_byte(family) + " is not defined");
    const std::size_t length = be16(bytes, 14);
    if (length > kMaxV2Payload)
        return invalid("v2 header length " + std::to_string(length) + " exceeds " + std::to_string(kMaxV2Payload));
    if (bytes.size() < kV2FixedLength + length) return NeedMore{kV2FixedLength + length};
    if (length < *address_size)
        return invalid("v2 length " + std::to_string(length) + " is shorter than the " +
                       std::to_string(*address_size) + "-byte address block of family " + hex_byte(family));
    Header h;
    h.version = 2;
    h.command = command == 1 ? Command::proxy : Command::local;
    h.length = kV2FixedLength + length;
    // LOCAL: the spec says to discard the address block, family included.
    if (h.command == Command::proxy && (family & 0x0F) == 0x2)
        return invalid("v2 header relays a datagram (UDP) connection to a TCP listener");
    if (h.command == Command::proxy) v2_addresses(bytes, family, h);
    const Bytes header = bytes.first(h.length);
    std::optional<std::size_t> crc_at;
    if (auto bad = v2_tlvs(header, kV2FixedLength + *address_size, h, crc_at)) return std::move(*bad);
    if (crc_at) {
        if (auto bad = v2_check_crc(header, *crc_at)) return std::move(*bad);
        h.crc_checked = true;
    }
    return h;
}

} // namespace

Result parse(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return NeedMore{kMinV1Length}; // the shortest header of either version
    if (bytes[0] == kV2Signature[0]) return parse_v2(bytes);
    if (bytes[0] == static_cast<std::uint8_t>(kV1Prefix[0])) return parse_v1(bytes);
    return absent();
}

} // namespace sekisho::gateway::proxy_protocol
