// Target: a backend's response as gateway/upstream/proxy.cpp reads it — response_parser<buffer_body>
// with no body limit, interim 1xx responses read and dropped (at most 16), skip() for the
// answer to a HEAD, a ChunkBounds attached to the final response, the body relayed through
// a 16 KiB buffer, all out of the connection's 64 KiB bounded read buffer.
// Input: one byte (bit 0: the request was HEAD; the rest picks the read sizes), then the
// bytes the backend sends.
//
// Invariants: the final response is never an interim 1xx; the answer to HEAD, a 1xx, 204 or
// 304 relays no body; any other complete response with a Content-Length relays exactly
// that many bytes; no pass relays more than the relay buffer holds; the relayed bytes do not depend on
// how the backend's bytes were cut into reads, unless the bounded read buffer ran full.
#include "fuzz_support.hpp"

#include "gateway/http/message_bounds.hpp"

#include <array>
#include <cstring>
#include <optional>
#include <string>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

constexpr std::size_t upstream_buffer_bytes = 64 * 1024; // UpstreamConnection::buffer
constexpr int max_interim = 16;                           // proxy.cpp read_final_header

struct Outcome {
    bool failed = false;
    bool overflow = false;
    unsigned status = 0;
    std::string relayed;
};

// What a socket read does to the connection's buffer: at most its free room.
class Upstream {
public:
    Upstream(std::string_view bytes, fuzz::ReadSizes sizes) : rest_(bytes), sizes_(sizes) {
        buffer.max_size(upstream_buffer_bytes);
    }

    // false at the end of the stream (ec unset) or when the buffer is full (ec set).
    bool read(boost::system::error_code& ec) {
        if (buffer.size() >= buffer.max_size()) {
            ec = http::error::buffer_overflow;
            overflow = true;
            return false;
        }
        if (rest_.empty()) return false;
        const auto n = std::min(sizes_.next(rest_.size()), buffer.max_size() - buffer.size());
        std::memcpy(buffer.prepare(n).data(), rest_.data(), n);
        buffer.commit(n);
        rest_.remove_prefix(n);
        return true;
    }

    beast::flat_buffer buffer;
    bool overflow = false;

private:
    std::string_view rest_;
    fuzz::ReadSizes sizes_;
};

// http::read_header / http::read over the buffer: parse what is there, read when it asks
// for more. need_buffer (the relay buffer is full) ends a pass without an error.
template <typename Parser>
void read_until(Upstream& up, Parser& parser, bool header_only, boost::system::error_code& ec) {
    parser.eager(!header_only);
    for (;;) {
        if (header_only ? parser.is_header_done() : parser.is_done()) return;
        if (up.buffer.size() > 0) {
            const auto used = parser.put(up.buffer.data(), ec);
            up.buffer.consume(used);
            if (ec == http::error::need_more) ec = {};
            if (ec) return;
            if (used > 0) continue;
        }
        if (!up.read(ec)) {
            if (!ec && !parser.got_some()) ec = http::error::end_of_stream; // as Beast's read
            if (!ec) parser.put_eof(ec);
            if (!ec && !(header_only ? parser.is_header_done() : parser.is_done()))
                ec = http::error::partial_message;
            return;
        }
    }
}

Outcome read_response(std::string_view input, bool head, fuzz::ReadSizes sizes) {
    Outcome out;
    Upstream up(input, sizes);
    ChunkBounds chunks;
    std::optional<http::response_parser<http::buffer_body>> parser;
    boost::system::error_code ec;
    for (int interim = 0;; ++interim) {
        FUZZ_CHECK(interim <= max_interim);
        parser.emplace();
        parser->body_limit(boost::none);
        if (head) parser->skip(true);
        read_until(up, *parser, true, ec);
        if (ec) break;
        const unsigned status = parser->get().result_int();
        if (status / 100 != 1 || status == 101) break;
        if (interim == max_interim) {
            ec = http::error::bad_status;
            break;
        }
    }
    out.overflow = up.overflow;
    if (ec) {
        out.failed = true;
        return out;
    }
    chunks.attach(*parser);
    auto& res = parser->get();
    out.status = res.result_int();
    FUZZ_CHECK(out.status / 100 != 1 || out.status == 101);
    if (out.status == 101) return out; // the caller tunnels or refuses it, reading no body

    std::array<char, 16384> buf;
    while (!parser->is_done()) {
        res.body().data = buf.data();
        res.body().size = buf.size();
        read_until(up, *parser, false, ec);
        if (ec == http::error::need_buffer) ec = {};
        if (ec) break;
        const auto relayed = buf.size() - res.body().size;
        FUZZ_CHECK(relayed <= buf.size());
        out.relayed.append(buf.data(), relayed);
        if (relayed == 0 && !parser->is_done()) { // nothing parsed and nothing left to read
            FUZZ_CHECK(up.buffer.size() == 0 || up.overflow);
            ec = http::error::partial_message;
            break;
        }
    }
    out.overflow = up.overflow;
    if (ec) {
        out.failed = true;
        return out;
    }
    const bool has_body = !head && out.status != 204 && out.status != 304; // as proxy.cpp says
    if (!has_body) FUZZ_CHECK(out.relayed.empty());
    else if (parser->content_length()) FUZZ_CHECK(out.relayed.size() == *parser->content_length());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool head = data[0] & 1;
    const auto input = fuzz::as_view(data + 1, size - 1);
    const auto split = read_response(input, head, fuzz::ReadSizes(data[0] >> 1));
    const auto whole = read_response(input, head, fuzz::ReadSizes(0));
    if (!split.overflow && !whole.overflow) {
        FUZZ_CHECK(split.failed == whole.failed);
        FUZZ_CHECK(split.status == whole.status);
        FUZZ_CHECK(split.relayed == whole.relayed);
    }
    return 0;
}
