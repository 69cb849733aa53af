// Target: a request's body framing as connection.cpp reads it — the header block checked and
// parsed alone, then Beast's request_parser<string_body> with the gateway's limits and a
// ChunkBounds attached, reading the rest through a read buffer bounded by read_buffer_limit.
// Input: one byte that picks the read sizes, then the bytes a client sends.
//
// Invariants: the outcome does not depend on how the bytes were cut into reads (the same
// body, or a refusal, either way) unless the bounded read buffer ran full; a complete body
// matches its Content-Length, or stays within max_body_bytes when chunked; ChunkBounds
// reports trailer fields exactly when the header grew after the last chunk; every parse
// error maps to a 4xx; the read buffer never grows past its limit.
#include "fuzz_support.hpp"

#include "config/config.hpp"
#include "gateway/http/message_bounds.hpp"
#include "gateway/http/request_checks.hpp"

#include <cstring>
#include <optional>
#include <string>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

struct Outcome {
    bool refused = false;  // a 4xx for the client
    bool overflow = false; // the read buffer ran full (depends on the read sizes)
    std::string body;
};

Outcome refused() {
    Outcome out;
    out.refused = true;
    return out;
}

Outcome read_request(std::string_view input, fuzz::ReadSizes sizes) {
    const config::LimitsConfig limits;
    Outcome out;
    // read_header_block: the header block, whole, before anything is parsed.
    const auto end = input.find("\r\n\r\n");
    if (end == std::string_view::npos || end + 4 > limits.max_header_bytes) return refused();
    const auto block = input.substr(0, end + 4);
    if (check_header_block(block)) return refused();

    ChunkBounds chunks;
    http::request_parser<http::string_body> parser;
    chunks.attach(parser);
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(block.data(), block.size()), ec);
    if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
    if (ec) {
        const auto status = static_cast<unsigned>(rejection_for_parse_error(ec).status);
        FUZZ_CHECK(status >= 400 && status < 500);
        return refused();
    }
    auto& req = parser.get();
    std::string host;
    if (check_request_header(req, "", &host)) return refused();
    const auto fields_in_header = field_count(req);

    // http::async_read: eager parsing, reads of at most the buffer's free room.
    parser.eager(true);
    beast::flat_buffer buffer;
    buffer.max_size(read_buffer_limit(limits.max_header_bytes));
    auto rest = input.substr(end + 4);
    while (!parser.is_done()) {
        if (buffer.size() > 0) {
            const auto used = parser.put(buffer.data(), ec);
            buffer.consume(used);
            if (ec == http::error::need_more) ec = {};
            if (ec) break;
            if (used > 0) continue;
        }
        if (buffer.size() >= buffer.max_size()) {
            out.overflow = true;
            ec = http::error::buffer_overflow;
            break;
        }
        if (rest.empty()) { // the client closed (the header was read, so got_some() holds)
            parser.put_eof(ec);
            break;
        }
        const auto n = std::min(sizes.next(rest.size()), buffer.max_size() - buffer.size());
        const auto room = buffer.prepare(n);
        std::memcpy(room.data(), rest.data(), n);
        buffer.commit(n);
        rest.remove_prefix(n);
        FUZZ_CHECK(buffer.size() <= read_buffer_limit(limits.max_header_bytes));
    }
    if (!ec && !parser.is_done()) ec = http::error::partial_message;
    if (ec) {
        const auto status = static_cast<unsigned>(rejection_for_parse_error(ec).status);
        FUZZ_CHECK(status >= 400 && status < 500);
        out.refused = true;
        return out;
    }

    FUZZ_CHECK(chunks.trailer_received(req) == (field_count(req) != fields_in_header));
    if (chunks.refuse_trailer(req)) {
        out.refused = true;
        return out;
    }
    if (parser.chunked()) FUZZ_CHECK(req.body().size() <= limits.max_body_bytes);
    else if (parser.content_length()) FUZZ_CHECK(req.body().size() == *parser.content_length());
    else FUZZ_CHECK(req.body().empty()); // a request without framing has no body
    out.body = std::move(req.body());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto input = fuzz::as_view(data + 1, size - 1);
    const auto split = read_request(input, fuzz::ReadSizes(data[0]));
    const auto whole = read_request(input, fuzz::ReadSizes(0));
    if (!split.overflow && !whole.overflow) {
        FUZZ_CHECK(split.refused == whole.refused);
        FUZZ_CHECK(split.body == whole.body);
    }
    return 0;
}
