// The PROXY protocol (HAProxy's spec, versions 1 and 2) as pure functions over bytes: a
// balancer in TCP mode writes one header ahead of the client's bytes to say whom it relays.
// No sockets here; proxy_gate.hpp reads the bytes and decides what the header is worth.
//
// parse() is told what has arrived so far and answers with one of three:
//  * NeedMore — the header is not complete; it is at least `total` bytes long. The caller
//    reads up to `total` and asks again, so it never reads past the header into the TLS
//    bytes behind it (v2: 16 bytes, then the length they announce; v1: byte by byte towards
//    the CRLF once the shortest possible line has arrived).
//  * Invalid — the connection must be refused. `absent` when the bytes do not start like a
//    PROXY header at all (a client speaking TLS straight to a PROXY listener).
//  * Header — complete and well-formed.
//
// What it accepts, and why:
//  * v1: "PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n", canonical addresses of the
//    named family, ports 0-65535 without leading zeros, single spaces, at most 107 bytes;
//    "PROXY UNKNOWN ...\r\n" (the balancer does not know the client).
//  * v2: the 12-byte signature, version 2, command LOCAL or PROXY, the family/transport
//    pairs the spec defines, a length of at most kMaxV2Payload (HAProxy's largest header,
//    IPv6 with SSL, AUTHORITY, UNIQUE_ID and ALPN TLVs, is well under 1 KiB; a larger one
//    is refused after 16 bytes instead of buffered), TLVs that tile the rest exactly.
//    Unknown TLV types are skipped (the spec says so; HAProxy, AWS and GCP add their own).
//    A PP2_TYPE_CRC32C TLV must be 4 bytes, appear once and match the CRC32C of the whole
//    header with its value zeroed; a mismatch is Invalid.
//  * No client address: LOCAL (the balancer's own health check), UNSPEC, UNIX and v1
//    UNKNOWN give a Header without `source` — the connection's real peer, i.e. the
//    balancer, is the client, as the spec says for LOCAL, UNSPEC and UNKNOWN. A UNIX client
//    is a process on the balancer's host: the balancer's address is the nearest true one.
//  * Refused: DGRAM transports (this listener speaks TCP), any other version, command or
//    family, an address block longer than the length, a truncated TLV.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace sekisho::gateway::proxy_protocol {

inline constexpr std::size_t kMaxV1Length = 107;    // the spec's bound, CRLF included
inline constexpr std::size_t kV2FixedLength = 16;   // signature, ver/cmd, fam, len
inline constexpr std::size_t kMaxV2Payload = 2048;  // addresses and TLVs

struct NeedMore {
    std::size_t total = 0; // the header is at least this many bytes long, counted from its start
};

struct Invalid {
    bool absent = false; // the bytes do not begin a PROXY header: no header was sent
    std::string reason;  // for the log line, e.g. "v2 header length 65535 exceeds 2048"
};

enum class Command { local, proxy };

struct Header {
    int version = 0;
    Command command = Command::local;
    // The client and the address it connected to, when the header names them (TCP over
    // IPv4 or IPv6 with PROXY); empty otherwise: the connection's real peer is the client.
    std::optional<boost::asio::ip::tcp::endpoint> source, destination;
    std::size_t length = 0;   // bytes the header takes, TLVs included; what follows is the client's
    std::size_t tlv_count = 0; // v2 TLVs walked (top level)
    bool crc_checked = false;  // a PP2_TYPE_CRC32C was present and matched
};

using Result = std::variant<NeedMore, Invalid, Header>;

// The header at the start of bytes (which may hold more after it), as far as it goes.
Result parse(std::span<const std::uint8_t> bytes);

} // namespace sekisho::gateway::proxy_protocol
