// Reading one request's header block off a client connection, within the size limit and
// the slowloris timeouts, without parsing it yet.
#pragma once

#include "config/config.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/http/request_checks.hpp"

#include <optional>

namespace sekisho::gateway {

// A request header block read off the wire, or why there is none.
struct HeaderRead {
    std::size_t length = 0; // bytes at the front of the buffer holding the header block
    std::optional<Rejection> rejection;
    bool closed = false; // peer went away or stayed idle: close quietly
};

// first_request: the connection has just been handshaken (no keep-alive idle wait).
Task<HeaderRead> read_header_block(ClientStream& stream, beast::flat_buffer& buffer,
                                   const config::Config& cfg, bool first_request);

} // namespace sekisho::gateway
