// One client connection on the main listener, spoken in HTTP/1: the handshake's verdict
// (connection_handshake.cpp), then one request after the other (connection.cpp), each
// framed here and passed through the protocol-neutral stages (stages.hpp). Private to
// those files.
#pragma once

#include "gateway/http/http1_sink.hpp"
#include "gateway/http/message_bounds.hpp"
#include "gateway/http/request_reader.hpp"
#include "gateway/pipeline/connection_context.hpp"
#include "gateway/pipeline/stages.hpp"

namespace sekisho::gateway {

ClientIdentity identity_of(X509* cert);

class ConnectionPipeline {
public:
    ConnectionPipeline(ClientStream& stream, std::shared_ptr<const Runtime> rt, WorkerContext& worker,
                       std::string peer, std::string peer_ip);

    Task<void> run();

private:
    using Parser = http::request_parser<http::string_body>;

    bool handshake_succeeded(const boost::system::error_code& ec);
    // Draining, reloaded since the handshake, or past the request count or lifetime: the
    // current request is answered with "Connection: close".
    bool may_take_another_request() const;
    // One request whose header block has been read; false when the connection ends.
    Task<bool> serve_one(HeaderRead head);
    // HTTP/1 framing: the header block checked and parsed within the limits.
    Verdict frame(const HeaderRead& head, Parser& parser, ChunkBounds& chunks, Exchange& ex);
    // HTTP/1 framing: Expect / 100-continue, then the body within its limit and deadline.
    Task<Verdict> receive_body(Parser& parser, const ChunkBounds& chunks, Exchange& ex);

    ClientStream& stream_;
    ConnectionContext c_;
    RequestStages stages_{c_};
    beast::flat_buffer buffer_;
    Http1Sink sink_;
};

} // namespace sekisho::gateway
