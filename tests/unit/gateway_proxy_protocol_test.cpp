#include "gateway/listener/proxy_protocol.hpp"

#include "codec/crc32c.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace pp = sekisho::gateway::proxy_protocol;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

const Bytes kSignature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
const Bytes kClientHello{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};

Bytes tlv(std::uint8_t type, const Bytes& value) {
    Bytes out{type, static_cast<std::uint8_t>(value.size() >> 8), static_cast<std::uint8_t>(value.size())};
    return out + value;
}

// A v2 header: signature, ver/cmd, family, length, then payload (addresses and TLVs).
Bytes v2(std::uint8_t ver_cmd, std::uint8_t family, const Bytes& payload) {
    Bytes out = kSignature;
    out.push_back(ver_cmd);
    out.push_back(family);
    out.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(payload.size()));
    return out + payload;
}

// 192.0.2.10:56324 → 198.51.100.1:443
const Bytes kTcp4Addresses{192, 0, 2, 10, 198, 51, 100, 1, 0xDC, 0x04, 0x01, 0xBB};

Bytes tcp6_addresses() {
    Bytes out{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07};  // 2001:db8::7
    out = out + Bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}; // 2001:db8::1
    return out + Bytes{0x30, 0x39, 0x20, 0xFB};                                        // 12345 → 8443
}

// A v2 header whose last TLV is a CRC32C over it, as HAProxy writes it (crc32c option).
Bytes with_crc(std::uint8_t ver_cmd, std::uint8_t family, const Bytes& payload) {
    Bytes header = v2(ver_cmd, family, payload + tlv(0x03, Bytes(4, 0)));
    const std::uint32_t crc = sekisho::codec::crc32c(header);
    const std::size_t at = header.size() - 4;
    for (int i = 0; i < 4; ++i) header[at + i] = static_cast<std::uint8_t>(crc >> (24 - 8 * i));
    return header;
}

pp::Header header_of(const Bytes& bytes) {
    const auto result = pp::parse(bytes);
    if (const auto* bad = std::get_if<pp::Invalid>(&result)) FAIL("refused: " << bad->reason);
    REQUIRE(std::holds_alternative<pp::Header>(result));
    return std::get<pp::Header>(result);
}

pp::Invalid refusal_of(const Bytes& bytes) {
    const auto result = pp::parse(bytes);
    REQUIRE(std::holds_alternative<pp::Invalid>(result));
    return std::get<pp::Invalid>(result);
}

std::string text_of(const std::optional<boost::asio::ip::tcp::endpoint>& e) {
    return e ? e->address().to_string() + ":" + std::to_string(e->port()) : "none";
}

} // namespace

TEST_CASE("v1 TCP4 and TCP6 name the client; the TLS bytes behind the line are not the header's") {
    const auto line = bytes_of("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n");
    auto h = header_of(line + kClientHello);
    CHECK(h.version == 1);
    CHECK(h.command == pp::Command::proxy);
    CHECK(text_of(h.source) == "192.0.2.10:56324");
    CHECK(text_of(h.destination) == "198.51.100.1:443");
    CHECK(h.length == line.size());

    h = header_of(bytes_of("PROXY TCP6 2001:db8::7 2001:db8::1 12345 8443\r\n"));
    CHECK(text_of(h.source) == "2001:db8::7:12345");
    CHECK(text_of(h.destination) == "2001:db8::1:8443");
    CHECK(text_of(header_of(bytes_of("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n")).source) == "0.0.0.0:0");
}

TEST_CASE("v1 UNKNOWN carries no client: the real peer is used; the rest of its line is ignored") {
    auto h = header_of(bytes_of("PROXY UNKNOWN\r\n") + kClientHello);
    CHECK_FALSE(h.source);
    CHECK(h.length == 15);
    h = header_of(bytes_of("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"));
    CHECK_FALSE(h.source);
    // The longest line the spec allows is 107 bytes, CRLF included.
    const std::string longest = "PROXY UNKNOWN " + std::string(107 - 16, 'x') + "\r\n";
    REQUIRE(longest.size() == 107);
    CHECK(header_of(bytes_of(longest)).length == 107);
    CHECK(refusal_of(bytes_of("PROXY UNKNOWN " + std::string(107 - 15, 'x') + "\r\n")).reason ==
          "v1 line has no CRLF within 107 bytes");
}

TEST_CASE("v1 lines that bend the grammar are refused") {
    for (const char* line : {
             "PROXY TCP4 192.0.2.10  198.51.100.1 56324 443\r\n", // two spaces
             "PROXY TCP4 192.0.2.10 198.51.100.1 056324 443\r\n", // leading zero
             "PROXY TCP4 192.0.2.10 198.51.100.1 65536 443\r\n",  // port out of range
             "PROXY TCP4 192.0.2.10 198.51.100.1 -1 443\r\n",
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324\r\n",      // a field missing
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443 7\r\n", // one too many
             "PROXY TCP4 2001:db8::7 198.51.100.1 56324 443\r\n", // IPv6 under TCP4
             "PROXY TCP6 192.0.2.10 2001:db8::1 56324 443\r\n",   // IPv4 under TCP6
             "PROXY TCP6 fe80::1%eth0 2001:db8::1 56324 443\r\n", // a scope id
             "PROXY TCP4 192.0.2.010 198.51.100.1 56324 443\r\n", // not canonical
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443 \r\n", // trailing space
             "PROXY TCP5 192.0.2.10 198.51.100.1 56324 443\r\n",
             "PROXY TCP4\r\n",
             "PROXY tcp4 192.0.2.10 198.51.100.1 56324 443\r\n",
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\n",    // LF alone
             "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\rX",   // CR alone
             "PROXY TCP4 192.0.2.10\t198.51.100.1 56324 443\r\n",
         }) {
        INFO(line);
        const auto bad = refusal_of(bytes_of(line));
        CHECK_FALSE(bad.absent);
        CHECK_FALSE(bad.reason.empty());
    }
}

TEST_CASE("bytes that do not start a PROXY header are told apart as an absent header") {
    CHECK(refusal_of(kClientHello).absent);
    CHECK(refusal_of(bytes_of("GET / HTTP/1.1\r\n")).absent);
    CHECK(refusal_of(bytes_of("PROXX TCP4")).absent);
    CHECK(refusal_of(bytes_of("proxy ")).absent);
    CHECK(refusal_of(Bytes{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x58}).absent); // "QUIX"
    CHECK(refusal_of(Bytes{0x0D, 0x0A, 0x16}).absent);
}

TEST_CASE("v2 PROXY over TCP/IPv4 and TCP/IPv6 names the client") {
    auto h = header_of(v2(0x21, 0x11, kTcp4Addresses) + kClientHello);
    CHECK(h.version == 2);
    CHECK(h.command == pp::Command::proxy);
    CHECK(text_of(h.source) == "192.0.2.10:56324");
    CHECK(text_of(h.destination) == "198.51.100.1:443");
    CHECK(h.length == 28);
    CHECK(h.tlv_count == 0);
    CHECK_FALSE(h.crc_checked);

    h = header_of(v2(0x21, 0x21, tcp6_addresses()));
    CHECK(text_of(h.source) == "2001:db8::7:12345");
    CHECK(text_of(h.destination) == "2001:db8::1:8443");
    CHECK(h.length == 52);
}

TEST_CASE("v2 LOCAL, UNSPEC and UNIX carry no client: the real peer is used") {
    auto h = header_of(v2(0x20, 0x00, {})); // HAProxy's health check
    CHECK(h.command == pp::Command::local);
    CHECK_FALSE(h.source);
    CHECK(h.length == 16);
    h = header_of(v2(0x20, 0x11, kTcp4Addresses)); // LOCAL: the block is discarded
    CHECK_FALSE(h.source);
    CHECK(h.length == 28);
    CHECK_FALSE(header_of(v2(0x20, 0x12, kTcp4Addresses)).source); // LOCAL ignores the transport too
    CHECK_FALSE(header_of(v2(0x21, 0x00, {})).source);
    CHECK_FALSE(header_of(v2(0x21, 0x00, tlv(0x04, Bytes(3, 0)))).source);
    CHECK_FALSE(header_of(v2(0x21, 0x31, Bytes(216, 'u'))).source);
}

TEST_CASE("v2 TLVs as HAProxy 2.6 sends them are walked and skipped") {
    const Bytes ssl_value = Bytes{0x07, 0, 0, 0, 0} + tlv(0x21, bytes_of("TLSv1.3")) +
                            tlv(0x22, bytes_of("terminal-01")) + tlv(0x23, bytes_of("TLS_AES_128_GCM_SHA256")) +
                            tlv(0x24, bytes_of("SHA256")) + tlv(0x25, bytes_of("EC256"));
    const Bytes payload = kTcp4Addresses + tlv(0x01, bytes_of("h2")) + tlv(0x02, bytes_of("gw.example.jp")) +
                          tlv(0x05, bytes_of("C0A8000A:DC04_0A000001:01BB_6745E0C1_0001:0001")) +
                          tlv(0x20, ssl_value) + tlv(0x30, bytes_of("blue")) + tlv(0xEA, bytes_of("vpce-0abc")) +
                          tlv(0x04, Bytes(5, 0));
    auto h = header_of(v2(0x21, 0x11, payload) + kClientHello);
    CHECK(text_of(h.source) == "192.0.2.10:56324");
    CHECK(h.tlv_count == 7);
    CHECK(h.length == 16 + payload.size());
    CHECK(header_of(v2(0x21, 0x11, kTcp4Addresses + tlv(0x04, {}))).tlv_count == 1); // empty NOOP
}

TEST_CASE("v2 CRC32C is checked over the whole header with its value zeroed") {
    const Bytes good = with_crc(0x21, 0x11, kTcp4Addresses + tlv(0x05, bytes_of("id-1")));
    auto h = header_of(good + kClientHello);
    CHECK(h.crc_checked);
    CHECK(text_of(h.source) == "192.0.2.10:56324");
    CHECK(header_of(with_crc(0x20, 0x00, {})).crc_checked); // LOCAL with a checksum

    Bytes forged = good;
    forged[16 + 3] = 11; // the client address changed on the way: 192.0.2.11
    CHECK_THAT(refusal_of(forged).reason, Catch::Matchers::StartsWith("v2 CRC32C mismatch"));
    Bytes bad_crc = good;
    bad_crc.back() ^= 0x01;
    CHECK_FALSE(refusal_of(bad_crc).absent);

    CHECK(refusal_of(v2(0x21, 0x11, kTcp4Addresses + tlv(0x03, Bytes(3, 0)))).reason ==
          "v2 CRC32C TLV is 3 bytes, not 4");
    CHECK(refusal_of(v2(0x21, 0x11, kTcp4Addresses + tlv(0x03, Bytes(4, 0)) + tlv(0x03, Bytes(4, 0)))).reason ==
          "v2 header carries two CRC32C TLVs");
}

TEST_CASE("v2 headers the spec does not define are refused") {
    CHECK(refusal_of(v2(0x11, 0x11, kTcp4Addresses)).reason == "v2 signature with version 1");
    CHECK(refusal_of(v2(0x31, 0x11, kTcp4Addresses)).reason == "v2 signature with version 3");
    CHECK(refusal_of(v2(0x22, 0x11, kTcp4Addresses)).reason == "v2 command 0x02 is neither LOCAL nor PROXY");
    for (std::uint8_t family : {0x01, 0x10, 0x13, 0x20, 0x30, 0x41, 0xFF}) {
        INFO(int(family));
        CHECK_THAT(refusal_of(v2(0x21, family, kTcp4Addresses)).reason, Catch::Matchers::Contains("is not defined"));
    }
    CHECK_THAT(refusal_of(v2(0x21, 0x12, kTcp4Addresses)).reason, Catch::Matchers::Contains("datagram"));
    CHECK_THAT(refusal_of(v2(0x21, 0x21, kTcp4Addresses)).reason, Catch::Matchers::Contains("shorter than"));
    CHECK_THAT(refusal_of(v2(0x21, 0x11, Bytes(11, 1))).reason, Catch::Matchers::Contains("shorter than"));
    CHECK_THAT(refusal_of(v2(0x21, 0x11, kTcp4Addresses + Bytes{0x04, 0x00})).reason,
               Catch::Matchers::Contains("truncated"));
    CHECK_THAT(refusal_of(v2(0x21, 0x11, kTcp4Addresses + Bytes{0x04, 0x00, 0x05, 0, 0})).reason,
               Catch::Matchers::Contains("runs past the header"));
}

TEST_CASE("v2 length is bounded before a byte of the payload is read") {
    Bytes announced = kSignature + Bytes{0x21, 0x11, 0xFF, 0xFF};
    CHECK(refusal_of(announced).reason == "v2 header length 65535 exceeds 2048");
    announced[14] = 0x08, announced[15] = 0x01; // 2049
    CHECK_FALSE(refusal_of(announced).absent);
    const Bytes largest = v2(0x21, 0x11, kTcp4Addresses + tlv(0x04, Bytes(pp::kMaxV2Payload - 12 - 3, 0)));
    CHECK(header_of(largest).length == 16 + pp::kMaxV2Payload);
}

// The reader reads exactly up to NeedMore::total: asking past the header would take TLS
// bytes that belong to the handshake.
TEST_CASE("every truncation asks for more, and never for more than the header") {
    const std::vector<Bytes> headers{
        bytes_of("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n"),
        bytes_of("PROXY TCP6 2001:db8::7 2001:db8::1 12345 8443\r\n"),
        bytes_of("PROXY TCP4 1.1.1.1 1.1.1.1 1 1\r\n"),
        bytes_of("PROXY TCP6 :: :: 0 0\r\n"),
        bytes_of("PROXY UNKNOWN\r\n"),
        v2(0x21, 0x11, kTcp4Addresses),
        v2(0x21, 0x21, tcp6_addresses()),
        v2(0x20, 0x00, {}),
        with_crc(0x21, 0x11, kTcp4Addresses + tlv(0x01, bytes_of("http/1.1"))),
    };
    for (const auto& header : headers) {
        REQUIRE(header_of(header).length == header.size());
        for (std::size_t cut = 0; cut < header.size(); ++cut) {
            INFO("header of " << header.size() << " bytes cut at " << cut);
            const auto result = pp::parse(std::span(header).first(cut));
            REQUIRE(std::holds_alternative<pp::NeedMore>(result));
            const auto total = std::get<pp::NeedMore>(result).total;
            CHECK(total > cut);
            CHECK(total <= header.size());
        }
    }
}

TEST_CASE("a v1 line without CRLF is refused at 107 bytes, not waited on") {
    const Bytes endless = bytes_of("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443" + std::string(80, '4'));
    const auto result = pp::parse(std::span(endless).first(pp::kMaxV1Length - 1));
    REQUIRE(std::holds_alternative<pp::NeedMore>(result));
    CHECK(std::get<pp::NeedMore>(result).total == pp::kMaxV1Length);
    CHECK(refusal_of(Bytes(endless.begin(), endless.begin() + pp::kMaxV1Length)).reason ==
          "v1 line has no CRLF within 107 bytes");
}

// Found by fuzz_proxy_header: with the CR as the last byte arrived, the parser asked for the
// LF before looking at the protocol, while the reader, holding fewer bytes, had refused it.
TEST_CASE("a broken v1 protocol is refused however much of the line has arrived") {
    const auto line = bytes_of("PROXY UNK UNKNOWN ffff:f...f:ffff 6853432\r");
    for (std::size_t cut = 10; cut <= line.size(); ++cut) {
        INFO("cut at " << cut);
        const auto result = pp::parse(std::span(line).first(cut));
        REQUIRE(std::holds_alternative<pp::Invalid>(result));
        CHECK(std::get<pp::Invalid>(result).reason == "v1 protocol is not TCP4, TCP6 or UNKNOWN");
    }
}
