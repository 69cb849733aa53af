// Where a response goes: the client side of one request, whatever protocol carries it.
// The request stages and the relay write through this and never touch the client's stream,
// so another front-end (HTTP/2, or HTTP/1 behind a PROXY header) reuses them unchanged.
// Each call carries its own write deadline (the sink knows its connection's timeouts).
#pragma once

#include "gateway/http/http_types.hpp"

#include <optional>

namespace sekisho::gateway {

// The client's byte stream after a 101, and what it sent past the upgrade request.
struct ClientTunnel {
    ClientStream& stream;
    beast::flat_buffer& pending;
};

class ResponseSink {
public:
    using Relayed = http::response<http::buffer_body>;

    virtual ~ResponseSink() = default;

    // A response the gateway made itself: error page, login page, reserved page.
    virtual Task<boost::system::error_code> write_response(Response& res) = 0;

    // A relayed response: its header, then its body piece by piece (res.body() holds the
    // piece; more=false marks the last, and may be empty), or header and whole body at once
    // (write_whole: the body is res.body()'s bytes, framed by the Content-Length field).
    virtual Task<boost::system::error_code> write_header(Relayed& res) = 0;
    virtual Task<boost::system::error_code> write_body(Relayed& res) = 0;
    virtual Task<boost::system::error_code> write_whole(Relayed& res) = 0;

    // The byte stream a WebSocket tunnel runs on, where the protocol has one.
    virtual std::optional<ClientTunnel> tunnel() = 0;
};

} // namespace sekisho::gateway
