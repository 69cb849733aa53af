// Target: the PROXY protocol header as a listener reads it (gateway/listener/proxy_protocol),
// from a balancer or from whoever gets past the trusted list by mistake.
// Input: the first byte seeds the read sizes (fuzz_support.hpp), the rest is the stream.
//
// Invariants: parse() of the whole input and the reader's way — reading exactly up to each
// NeedMore — agree; NeedMore always asks for more than it has and never for more than the
// reader's buffer (16 + kMaxV2Payload); a header is never longer than the input, nor than
// 107 bytes (v1, ending in CRLF) or 16 + its announced length (v2), and parsing just its
// bytes gives the same header (nothing after it was needed); every shorter cut of it asks
// for more and never for bytes past its end — so the TLS bytes behind it are never read;
// crc_checked only when the CRC32C TLV really matches; a source only with the PROXY command;
// an Invalid always says why.
#include "fuzz_support.hpp"

#include "codec/crc32c.hpp"
#include "gateway/listener/proxy_protocol.hpp"

#include <algorithm>
#include <span>

namespace pp = sekisho::gateway::proxy_protocol;
using Bytes = std::span<const std::uint8_t>;

namespace {

constexpr std::size_t kBuffer = pp::kV2FixedLength + pp::kMaxV2Payload;

bool same(const pp::Header& a, const pp::Header& b) {
    return a.version == b.version && a.command == b.command && a.source == b.source &&
           a.destination == b.destination && a.length == b.length && a.tlv_count == b.tlv_count &&
           a.crc_checked == b.crc_checked;
}

void check_header(Bytes input, const pp::Header& h) {
    FUZZ_CHECK(h.length <= input.size());
    FUZZ_CHECK(h.version == 1 || h.version == 2);
    FUZZ_CHECK(!h.source || h.command == pp::Command::proxy);
    FUZZ_CHECK(h.source.has_value() == h.destination.has_value());
    if (h.version == 1) {
        FUZZ_CHECK(h.length <= pp::kMaxV1Length);
        FUZZ_CHECK(input[h.length - 2] == '\r' && input[h.length - 1] == '\n');
        FUZZ_CHECK(h.tlv_count == 0 && !h.crc_checked);
    } else {
        FUZZ_CHECK(h.length == pp::kV2FixedLength + (std::size_t{input[14]} << 8 | input[15]));
        FUZZ_CHECK(h.length <= kBuffer);
    }
    const auto again = pp::parse(input.first(h.length));
    FUZZ_CHECK(std::holds_alternative<pp::Header>(again) && same(std::get<pp::Header>(again), h));
    for (std::size_t cut : {std::size_t{0}, h.length / 2, h.length - 1}) {
        const auto part = pp::parse(input.first(cut));
        FUZZ_CHECK(std::holds_alternative<pp::NeedMore>(part));
        const auto total = std::get<pp::NeedMore>(part).total;
        FUZZ_CHECK(total > cut && total <= h.length);
    }
}

// The CRC32C recomputed apart from the parser: find the TLV, zero it, compare.
void check_crc(Bytes header, const pp::Header& h) {
    if (!h.crc_checked) return;
    std::vector<std::uint8_t> copy(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(h.length));
    std::size_t at = pp::kV2FixedLength;
    const std::uint8_t family = copy[13];
    at += family == 0x00 ? 0 : (family >> 4) == 1 ? 12 : (family >> 4) == 2 ? 36 : 216;
    while (at + 3 <= copy.size() && copy[at] != 0x03) at += 3 + (std::size_t{copy[at + 1]} << 8 | copy[at + 2]);
    FUZZ_CHECK(at + 7 <= copy.size());
    const std::uint32_t stated = std::uint32_t{copy[at + 3]} << 24 | std::uint32_t{copy[at + 4]} << 16 |
                                 std::uint32_t{copy[at + 5]} << 8 | copy[at + 6];
    std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(at + 3), 4, 0);
    FUZZ_CHECK(sekisho::codec::crc32c(copy) == stated);
}

// What proxy_gate.cpp does: read exactly up to each NeedMore, in reads of arbitrary sizes.
pp::Result read_like_the_listener(Bytes input, sekisho::fuzz::ReadSizes& sizes) {
    std::size_t have = 0;
    for (;;) {
        auto result = pp::parse(input.first(have));
        const auto* more = std::get_if<pp::NeedMore>(&result);
        if (!more) return result;
        FUZZ_CHECK(more->total > have && more->total <= kBuffer);
        if (more->total > input.size()) return result; // the peer stops sending here
        while (have < more->total) have += sizes.next(more->total - have);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    sekisho::fuzz::ReadSizes sizes(data[0]);
    const Bytes input(data + 1, size - 1);
    const auto whole = pp::parse(input);
    if (const auto* bad = std::get_if<pp::Invalid>(&whole)) FUZZ_CHECK(!bad->reason.empty());
    if (const auto* more = std::get_if<pp::NeedMore>(&whole)) {
        FUZZ_CHECK(more->total > input.size() && more->total <= kBuffer);
    }
    if (const auto* h = std::get_if<pp::Header>(&whole)) {
        check_header(input, *h);
        check_crc(input, *h);
    }
    const auto read = read_like_the_listener(input, sizes);
    FUZZ_CHECK(read.index() == whole.index() || std::holds_alternative<pp::NeedMore>(read));
    if (const auto* h = std::get_if<pp::Header>(&read)) FUZZ_CHECK(same(*h, std::get<pp::Header>(whole)));
    return 0;
}
