// ResponseSink for an HTTP/1 client connection: Beast serialisation on the TLS stream,
// each write under the request_body deadline (a client that stops reading is cut off).
#pragma once

#include "gateway/http/response_sink.hpp"

#include <chrono>
#include <optional>

namespace sekisho::gateway {

class Http1Sink final : public ResponseSink {
public:
    Http1Sink(ClientStream& stream, beast::flat_buffer& buffer, std::chrono::seconds write_timeout)
        : stream_(stream), buffer_(buffer), write_timeout_(write_timeout) {}

    Task<boost::system::error_code> write_response(Response& res) override;
    Task<boost::system::error_code> write_header(Relayed& res) override;
    Task<boost::system::error_code> write_body(Relayed& res) override;
    Task<boost::system::error_code> write_whole(Relayed& res) override;
    std::optional<ClientTunnel> tunnel() override { return ClientTunnel{stream_, buffer_}; }

private:
    void arm();

    ClientStream& stream_;
    beast::flat_buffer& buffer_;
    std::chrono::seconds write_timeout_;
    // The relayed response's serializer, from write_header/write_whole to the last piece.
    std::optional<http::response_serializer<http::buffer_body>> serializer_;
};

} // namespace sekisho::gateway
