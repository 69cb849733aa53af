#include "gateway/upstream/proxy.hpp"

#include "gateway/auth/cookies.hpp"
#include "gateway/upstream/identity.hpp"
#include "gateway/http/message_bounds.hpp"
#include "gateway/http/wire.hpp"
#include "gateway/runtime/runtime.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <type_traits>
#include <optional>

namespace sekisho::gateway {
namespace {

using namespace boost::asio::experimental::awaitable_operators;
bool is_idempotent(http::verb v) {
    return v == http::verb::get || v == http::verb::head || v == http::verb::options ||
           v == http::verb::put || v == http::verb::delete_ || v == http::verb::trace;
}

ForwardOutcome upstream_failure(const boost::system::error_code& ec, std::string what) {
    const bool timeout = ec == beast::error::timeout;
    return ForwardOutcome::upstream_failed(timeout ? 504u : 502u, what + ": " + ec.message());
}

ForwardOutcome client_failure(unsigned status, const boost::system::error_code& ec, std::string_view what = "client") {
    return ForwardOutcome::client_failed(status, std::string(what) + ": " + ec.message());
}

// An upstream connection goes back to the pool only when its response was read whole and
// nothing follows it: bytes past the response (or a HEAD answer whose body may still be on
// its way) would be taken for the next request's response — possibly another user's. Nor
// after a request with a body: a backend handler that never reads it (Python's
// http.server, a framework route without a body parser) takes it for a request of its own,
// whose answer would reach the next user. Such a request costs a new upstream connection.
bool reusable_after(const Request& req, bool upstream_keep_alive, const UpstreamConnection& conn) {
    return upstream_keep_alive && conn.buffer.size() == 0 && req.method() != http::verb::head && req.body().empty();
}

// Sends what the socket takes without waiting, and says how much that was (0 when it takes
// nothing now or fails: the asynchronous write that follows sends the rest or reports the
// error). The socket's buffer is almost always free, and an asynchronous write that
// completes at once still waits a whole round of the reactor's queue for its completion.
std::size_t send_now(asio::ip::tcp::socket& socket, std::string_view bytes) {
    boost::system::error_code ec;
    if (!socket.non_blocking()) socket.non_blocking(true, ec);
    if (ec) return 0;
    const std::size_t n = socket.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    return ec ? 0 : n;
}

// Copies bytes one way until either side ends or stays silent for `idle`; then closes both
// so the other pump ends too (a peer that vanished without a FIN must not hold a connection
// slot and two descriptors for ever).
template <typename From, typename To, typename FromLowest, typename ToLowest>
Task<void> pump(From& from, To& to, FromLowest& from_tcp, ToLowest& to_tcp, std::chrono::seconds idle) {
    std::array<char, 16384> buf;
    boost::system::error_code ec;
    for (;;) {
        from_tcp.expires_after(idle);
        auto n = co_await from.async_read_some(asio::buffer(buf), awaitable_ec(ec));
        if (ec) break;
        co_await asio::async_write(to, asio::buffer(buf.data(), n), awaitable_ec(ec));
        if (ec) break;
    }
    from_tcp.socket().close(ec);
    to_tcp.socket().close(ec);
}

template <typename Upstream>
Task<ForwardOutcome> tunnel(ClientTunnel client, Upstream& up, UpstreamConnection& conn, std::chrono::seconds idle) {
    boost::system::error_code ec;
    auto& client_tcp = beast::get_lowest_layer(client.stream);
    client_tcp.expires_never();
    conn.tcp().expires_never();
    // Bytes already read past the HTTP messages belong to the tunnel.
    if (conn.buffer.size() > 0) {
        co_await asio::async_write(client.stream, conn.buffer.data(), awaitable_ec(ec));
        conn.buffer.consume(conn.buffer.size());
    }
    if (!ec && client.pending.size() > 0) {
        co_await asio::async_write(up, client.pending.data(), awaitable_ec(ec));
        client.pending.consume(client.pending.size());
    }
    if (!ec)
        co_await (pump(client.stream, up, client_tcp, conn.tcp(), idle) &&
                  pump(up, client.stream, conn.tcp(), client_tcp, idle));
    co_return ForwardOutcome::tunnelled();
}

// Reads response headers until the final one (RFC 9110 §15.2): 100, 102 and 103 are
// interim and dropped, so a backend's Early Hints never pass for the answer and the
// connection is never left one response behind (the next user would get this one's answer).
// 101 is final; the caller accepts it only for an upgrade it asked for.
template <typename Upstream>
Task<boost::system::error_code> read_final_header(Upstream& up, beast::flat_buffer& buffer,
                                                  std::optional<http::response_parser<http::buffer_body>>& parser,
                                                  ChunkBounds& chunks, bool head) {
    constexpr int max_interim = 16; // a backend streaming 1xx forever gets cut off
    boost::system::error_code ec;
    for (int interim = 0;; ++interim) {
        parser.emplace();
        parser->body_limit(boost::none);
        if (head) parser->skip(true);
        co_await http::async_read_header(up, buffer, *parser, awaitable_ec(ec));
        if (ec) co_return ec;
        const unsigned status = parser->get().result_int();
        if (status / 100 != 1 || status == 101) break;
        if (interim == max_interim) co_return http::error::bad_status;
    }
    chunks.attach(*parser);
    co_return ec;
}

// One request and its response on one upstream connection.
template <typename Upstream>
Task<ForwardOutcome> exchange(const Forwarding& f, ResponseSink& client, UpstreamConnection& conn, Upstream& up) {
    const auto& t = f.runtime.config.timeouts;
    Request& req = f.request;
    boost::system::error_code ec;

    const unsigned client_version = req.version();
    { // upstreams are always spoken to in HTTP/1.1, keep-alive
        const std::string wire = http11_wire(req);
        // Covers the write and the response header below, however the request went out: a
        // pooled connection comes back with no deadline, a new one with the connect's.
        conn.tcp().expires_after(t.upstream_response);
        std::size_t sent = 0;
        if constexpr (std::is_same_v<Upstream, beast::tcp_stream>) sent = send_now(up.socket(), wire);
        if (sent < wire.size())
            co_await asio::async_write(up, asio::buffer(wire.data() + sent, wire.size() - sent), awaitable_ec(ec));
    }
    if (ec) co_return upstream_failure(ec, "sending the request upstream");

    ChunkBounds chunks;
    std::optional<http::response_parser<http::buffer_body>> final_parser;
    ec = co_await read_final_header(up, conn.buffer, final_parser, chunks, req.method() == http::verb::head);
    if (ec) co_return upstream_failure(ec, "reading the upstream response header");

    auto& parser = *final_parser;
    auto& res = parser.get();
    const unsigned status = res.result_int();
    if (status == 101) {
        auto tunnel_end = client.tunnel();
        if (!f.websocket || !tunnel_end)
            co_return ForwardOutcome::upstream_failed(502, "unexpected 101 from upstream");
        strip_hop_by_hop(res, true);
        auth::strip_session_set_cookie(res);
        ec = co_await client.write_header(res);
        if (ec) co_return client_failure(status, ec);
        co_return co_await tunnel(*tunnel_end, up, conn, t.tunnel_idle);
    }

    const bool upstream_keep_alive = parser.keep_alive();
    bool client_keep_alive = f.client_keep_alive;
    // The body is re-framed for the client: a length we know stays; otherwise (chunked or
    // until-close upstream) it goes out chunked to HTTP/1.1 clients, and an HTTP/1.0
    // client reads it until we close.
    const bool has_body = req.method() != http::verb::head && status >= 200 && status != 204 && status != 304;
    const bool length_known = parser.content_length().has_value();
    strip_hop_by_hop(res, false);
    auth::strip_session_set_cookie(res); // a backend may not set or clear the gateway's session
    res.version(client_version);
    if (has_body && !length_known) {
        if (client_version >= 11) res.chunked(true);
        else client_keep_alive = false;
    }
    res.keep_alive(client_keep_alive);
    res.set(http::field::via, "1.1 sekisho");

    std::array<char, 16384> buf;
    auto read_piece = [&]() -> Task<boost::system::error_code> {
        res.body().data = buf.data();
        res.body().size = buf.size();
        boost::system::error_code read_ec;
        co_await http::async_read(up, conn.buffer, parser, awaitable_ec(read_ec));
        if (read_ec == http::error::need_buffer) read_ec = {};
        res.body().size = buf.size() - res.body().size;
        res.body().data = buf.data();
        res.body().more = !parser.is_done();
        co_return read_ec;
    };
    const auto expected = parser.content_length();
    if (has_body && expected && *expected <= buf.size() && *expected <= conn.buffer.size()) {
        // The whole (small) body came with the header: one write and one TLS record for
        // both. It is parsed from what was read already, so nothing waits on the upstream.
        ec = co_await read_piece();
        if (ec) co_return upstream_failure(ec, "reading the upstream response body");
        res.body().more = false;
        ec = co_await client.write_whole(res);
        if (ec) co_return client_failure(status, ec);
        co_return ForwardOutcome::relayed(status, client_keep_alive, reusable_after(req, upstream_keep_alive, conn));
    }

    ec = co_await client.write_header(res);
    if (ec) co_return client_failure(status, ec);
    while (!parser.is_done()) {
        conn.tcp().expires_after(t.upstream_response);
        ec = co_await read_piece();
        if (ec) // the response is half sent: all we can do is close, never reuse
            co_return client_failure(status, ec, "upstream body");
        ec = co_await client.write_body(res);
        if (ec) co_return client_failure(status, ec);
    }
    res.body().data = nullptr;
    res.body().size = 0;
    res.body().more = false;
    ec = co_await client.write_body(res); // the end of a header-only or chunked message
    if (ec) co_return client_failure(status, ec);
    co_return ForwardOutcome::relayed(status, client_keep_alive, reusable_after(req, upstream_keep_alive, conn));
}

} // namespace

Task<ForwardOutcome> forward(Forwarding f, ResponseSink& client, UpstreamPool& pool) {
    // A pooled connection may have been closed by the upstream while idle; an idempotent
    // request that found it dead before any response byte is retried once on a new one.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto acquired = co_await pool.acquire(f.runtime, f.route, attempt > 0 || f.websocket);
        if (!acquired.connection)
            co_return ForwardOutcome::upstream_failed(acquired.timed_out ? 504u : 502u,
                                                      acquired.detail + ": " + acquired.error.message());
        auto conn = std::move(acquired.connection);
        ForwardOutcome out;
        if (auto* plain = std::get_if<beast::tcp_stream>(&conn->stream))
            out = co_await exchange(f, client, *conn, *plain);
        else
            out = co_await exchange(f, client, *conn, std::get<UpstreamTlsStream>(conn->stream));
        if (out.kind == ForwardOutcome::Kind::upstream_failed && conn->reused && out.status == 502 &&
            is_idempotent(f.request.method()))
            continue;
        if (out.upstream_reusable) pool.release(std::move(conn));
        co_return out;
    }
    co_return ForwardOutcome::upstream_failed(502, "upstream connection failed twice");
}

} // namespace sekisho::gateway
