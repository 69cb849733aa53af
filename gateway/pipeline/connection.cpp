// The HTTP/1 front-end of a terminal connection: handshake, then header blocks read,
// framed and handed to the stages one after the other.
#include "gateway/pipeline/connection.hpp"
#include "gateway/pipeline/connection_pipeline.hpp"

#include "gateway/runtime/runtime.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>

namespace sekisho::gateway {

ConnectionPipeline::ConnectionPipeline(ClientStream& stream, std::shared_ptr<const Runtime> rt, WorkerContext& worker,
                                       std::string peer, std::string peer_ip)
    : stream_(stream), c_(std::move(rt), worker, std::move(peer), std::move(peer_ip)),
      sink_(stream_, buffer_, c_.rt->config.timeouts.request_body) {}

// One request: framed here, then through the stages in their fixed order (stages.hpp).
Task<bool> ConnectionPipeline::serve_one(HeaderRead head) {
    Exchange ex;
    ex.id = c_.id + "-" + std::to_string(++c_.requests);
    ex.connection_continues = may_take_another_request();
    ChunkBounds chunks; // before the parser: it holds a reference to the callback
    Parser parser;
    auto verdict = frame(head, parser, chunks, ex);
    if (verdict.proceeds()) verdict = stages_.check_request(ex);
    if (verdict.proceeds()) verdict = stages_.route(ex);
    if (verdict.proceeds()) verdict = co_await stages_.admit(ex);
    if (verdict.proceeds()) verdict = co_await receive_body(parser, chunks, ex);
    if (verdict.proceeds()) verdict = co_await stages_.reserved_pages(ex);
    if (verdict.proceeds()) verdict = co_await stages_.forward(ex, sink_);
    co_return co_await stages_.finish(ex, std::move(verdict), sink_);
}

Verdict ConnectionPipeline::frame(const HeaderRead& head, Parser& parser, ChunkBounds& chunks, Exchange& ex) {
    const auto& limits = c_.rt->config.limits;
    if (head.rejection) return Verdict::refuse(*head.rejection);
    std::string_view block(static_cast<const char*>(buffer_.data().data()), head.length);
    if (auto r = check_header_block(block)) return Verdict::refuse(std::move(*r));

    chunks.attach(parser);
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    boost::system::error_code ec;
    parser.put(asio::buffer(block.data(), block.size()), ec);
    buffer_.consume(head.length);
    if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
    if (ec) return Verdict::refuse(rejection_for_parse_error(ec));

    auto& req = parser.get();
    ex.request = &req;
    ex.version = req.version();
    ex.body_pending = !parser.is_done();
    ex.client_keep_alive = req.keep_alive();
    if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) > limits.max_headers)
        return Verdict::refuse(http::status::request_header_fields_too_large, RequestRejection::header_too_large,
                               "more header fields than limits.max_headers");
    return Verdict::proceed();
}

Task<Verdict> ConnectionPipeline::receive_body(Parser& parser, const ChunkBounds& chunks, Exchange& ex) {
    auto& req = parser.get();
    boost::system::error_code ec;
    if (auto expect = req[http::field::expect]; !expect.empty()) {
        if (!beast::iequals(expect, "100-continue"))
            co_return Verdict::refuse(http::status::expectation_failed, RequestRejection::bad_request,
                                      "unsupported Expect");
        req.erase(http::field::expect);
        if (!parser.is_done()) {
            static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
            co_await asio::async_write(stream_, asio::buffer(continue_line), awaitable_ec(ec));
            if (ec) co_return Verdict::closed();
        }
    }
    if (!parser.is_done()) {
        beast::get_lowest_layer(stream_).expires_after(c_.rt->config.timeouts.request_body);
        co_await http::async_read(stream_, buffer_, parser, awaitable_ec(ec));
        if (ec == beast::error::timeout)
            co_return Verdict::refuse(http::status::request_timeout, RequestRejection::timeout,
                                      "request body not complete in time");
        if (ec == http::error::end_of_stream || ec == asio::error::eof) co_return Verdict::closed();
        if (ec) co_return Verdict::refuse(rejection_for_parse_error(ec));
        // Trailers are merged into the header after its checks ran: refused.
        if (auto r = chunks.refuse_trailer(req)) co_return Verdict::refuse(std::move(*r));
    }
    ex.body_pending = false;
    ex.started = std::chrono::steady_clock::now();
    co_return Verdict::proceed();
}

// A kept-alive connection goes on only under the configuration it was admitted with (a
// reload may have changed CAs, CRLs, routes or keys: the client reconnects under the new
// one), and within the per-connection request count and lifetime.
bool ConnectionPipeline::may_take_another_request() const {
    const auto& cfg = c_.rt->config;
    return !c_.worker.draining.load() && c_.worker.runtime.generation() == c_.rt->generation &&
           c_.requests < cfg.limits.max_requests_per_connection &&
           std::chrono::steady_clock::now() - c_.admitted_at < cfg.timeouts.connection_lifetime;
}

Task<void> ConnectionPipeline::run() {
    auto& tcp = beast::get_lowest_layer(stream_);
    c_.entry.tcp = &tcp;
    c_.entry.peer = c_.peer;
    buffer_.max_size(read_buffer_limit(c_.rt->config.limits.max_header_bytes));
    c_.worker.registry.add(&c_.entry);
    struct Unregister {
        ConnectionRegistry& r;
        ConnectionRegistry::Entry* e;
        ~Unregister() { r.remove(e); }
    } unregister{c_.worker.registry, &c_.entry};

    boost::system::error_code ec;
    tcp.expires_after(c_.rt->config.timeouts.handshake);
    co_await stream_.async_handshake(awaitable_ec(ec));
    if (!handshake_succeeded(ec)) co_return;

    c_.admitted_at = std::chrono::steady_clock::now();
    bool first = true;
    while (first || may_take_another_request()) {
        // The wait for the next request is here, not in serve_one: an idle connection
        // keeps no frame of the request code (2 KiB each) alive.
        c_.entry.idle = !first;
        auto head = co_await read_header_block(stream_, buffer_, c_.rt->config, first);
        c_.entry.idle = false;
        if (head.closed || !co_await serve_one(std::move(head))) break;
        first = false;
    }
    tcp.expires_after(std::chrono::seconds(2));
    co_await stream_.async_shutdown(awaitable_ec(ec));
}

void ConnectionRegistry::close(Entry& e) {
    boost::system::error_code ec;
    e.tcp->socket().shutdown(tcp::socket::shutdown_both, ec);
    e.tcp->cancel();
}

void ConnectionRegistry::close_idle() {
    close_where([](const Entry& e) { return e.idle; });
}

Task<void> serve_connection(tcp::socket socket, std::shared_ptr<const Runtime> rt, WorkerContext& worker,
                            ConnectionLimits::Slot, Peer client) {
    worker.metrics.connection_opened();
    struct Closed {
        Metrics& m;
        ~Closed() { m.connection_closed(); }
    } closed{worker.metrics};
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    ClientStream stream(std::move(socket), *rt->listener_tls.context);
    ConnectionPipeline pipeline(stream, rt, worker, std::move(client.endpoint), std::move(client.address));
    co_await pipeline.run();
}

} // namespace sekisho::gateway
