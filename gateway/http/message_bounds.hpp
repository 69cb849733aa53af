// Bounds on what one peer's HTTP/1 message can make the gateway hold, beyond the parser's
// header and body limits. A chunked body carries three things Beast buffers without a limit
// of its own: the chunk-size line with its extensions, and the trailer fields after the last
// chunk (which Beast also merges into the header, after every check on that header ran).
// Every listener and the upstream reader apply the same rules (issue 12, item 2):
//
//  * a read buffer never grows past read_buffer_limit(): what the parser cannot consume yet
//    (an unfinished chunk line, a trailer) is refused with buffer_overflow, not kept;
//  * a chunk extension longer than max_chunk_extension_bytes ends the message;
//  * trailer fields are refused (a request that carries any gets a 400), so nothing reaches a
//    backend that the header checks did not see.
#pragma once

#include "gateway/http/http_types.hpp"
#include "gateway/http/request_checks.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>

namespace sekisho::gateway {

// No client or server we know of sends extensions; a few bytes leave room for the odd one.
inline constexpr std::size_t max_chunk_extension_bytes = 256;

// The most a connection's read buffer may hold: a whole header block (read before parsing)
// plus room for one read of body bytes.
inline constexpr std::size_t read_buffer_limit(std::size_t max_header_bytes) {
    return max_header_bytes + 16 * 1024;
}

template <typename Fields>
std::size_t field_count(const Fields& fields) {
    return static_cast<std::size_t>(std::distance(fields.begin(), fields.end()));
}

// Watches the chunks of one message. Beast keeps a reference to the callback, so a
// ChunkBounds must outlive the parser it is attached to (declare it first).
class ChunkBounds {
public:
    template <bool isRequest, typename Body>
    void attach(http::parser<isRequest, Body>& parser) {
        const auto& message = parser.get();
        callback_ = [this, &message](std::uint64_t size, beast::string_view extensions,
                                     boost::system::error_code& ec) {
            if (extensions.size() > max_chunk_extension_bytes) {
                ec = http::error::bad_chunk_extension;
                return;
            }
            if (size == 0) fields_before_trailer_ = field_count(message); // the trailer follows
        };
        parser.on_chunk_header(callback_);
    }

    // After the message is complete: did trailer fields arrive (and so get merged)?
    template <typename Fields>
    bool trailer_received(const Fields& fields) const {
        return fields_before_trailer_ != none && field_count(fields) != fields_before_trailer_;
    }

    // The same, as the refusal every listener answers with.
    template <typename Fields>
    std::optional<Rejection> refuse_trailer(const Fields& fields) const {
        if (!trailer_received(fields)) return std::nullopt;
        return Rejection{http::status::bad_request, RequestRejection::bad_framing,
                         "trailer fields are not accepted"};
    }

private:
    static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    std::size_t fields_before_trailer_ = none;
    std::function<void(std::uint64_t, beast::string_view, boost::system::error_code&)> callback_;
};

} // namespace sekisho::gateway
