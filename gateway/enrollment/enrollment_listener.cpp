#include "gateway/enrollment/enrollment_listener.hpp"

#include "gateway/http/http_error.hpp"
#include "gateway/events/log.hpp"
#include "gateway/http/message_bounds.hpp"
#include "gateway/events/refusal_records.hpp"
#include "gateway/http/request_checks.hpp"
#include "gateway/listener/accept_loop.hpp"
#include "gateway/listener/peer_address.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <openssl/ssl.h>

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_enrollment_body = 64 * 1024; // a CSR is a few hundred bytes

EnrollmentRequest to_enrollment_request(const Request& req, const std::string& peer, X509* verified_cert) {
    EnrollmentRequest out;
    out.method = std::string(req.method_string());
    out.path = std::string(target_path(req.target()));
    if (auto q = req.target().find('?'); q != std::string_view::npos) out.query = std::string(req.target().substr(q + 1));
    out.authorization = std::string(req[http::field::authorization]);
    out.content_type = std::string(req[http::field::content_type]);
    out.body = req.body();
    out.peer = peer;
    out.client_certificate = verified_cert;
    return out;
}

Response to_response(const EnrollmentReply& reply, const Request& req) {
    Response res{static_cast<http::status>(reply.status), req.version()};
    res.set(http::field::server, "sekisho");
    res.set(http::field::content_type, reply.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : reply.headers) res.set(name, value);
    res.body() = reply.body;
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

Task<void> serve_enrollment(tcp::socket socket, std::shared_ptr<const Runtime> rt, EnrollmentContext& ctx,
                            ConnectionLimits::Slot, Peer client) {
    boost::system::error_code ec;
    const std::string& peer = client.endpoint;
    ClientStream stream(std::move(socket), *rt->enrollment_tls);
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(rt->config.timeouts.handshake);
    co_await stream.async_handshake(awaitable_ec(ec));
    if (ec) {
        log_refusal(spdlog::level::info, "enrollment.handshake_failed", "enrollment_handshake", peer,
                    {{"peer", peer}, {"detail", ec.message()}});
        co_return;
    }
    SSL* ssl = stream.native_handle();
    X509* cert = SSL_get0_peer_certificate(ssl);
    X509* verified = cert && SSL_get_verify_result(ssl) == X509_V_OK ? cert : nullptr;

    constexpr std::size_t max_header_bytes = 8192;
    beast::flat_buffer buffer(read_buffer_limit(max_header_bytes)); // no certificate needed here
    for (;;) {
        ChunkBounds chunks;
        http::request_parser<http::string_body> parser;
        chunks.attach(parser);
        parser.header_limit(max_header_bytes);
        parser.body_limit(max_enrollment_body);
        tcp.expires_after(rt->config.timeouts.request_header);
        co_await http::async_read(stream, buffer, parser, awaitable_ec(ec));
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
            ec == asio::ssl::error::stream_truncated)
            break;
        auto rejection = ec ? std::optional(rejection_for_parse_error(ec)) : chunks.refuse_trailer(parser.get());
        if (rejection) {
            log_refusal(spdlog::level::warn, "enrollment.rejected", "enrollment_request", peer,
                        {{"peer", peer}, {"detail", rejection->detail}});
            auto res = make_error_response(rejection->status, "The enrollment service refused this request.", false);
            co_await http::async_write(stream, res, awaitable_ec(ec));
            break;
        }
        const auto& req = parser.get();
        auto request = to_enrollment_request(req, peer, verified);
        auto& service = ctx.service;
        auto reply = co_await asio::co_spawn(
            ctx.blocking, [&service, &request]() -> Task<EnrollmentReply> { co_return service.handle(request); },
            asio::use_awaitable);
        auto res = to_response(reply, req);
        const bool keep_alive = res.keep_alive();
        tcp.expires_after(rt->config.timeouts.request_body);
        co_await http::async_write(stream, res, awaitable_ec(ec));
        if (ec || !keep_alive) break;
    }
    tcp.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(awaitable_ec(ec));
}

} // namespace

Task<void> run_enrollment_listener(tcp::acceptor& acceptor, EnrollmentContext& context) {
    AcceptLoop loop;
    loop.limits = &context.limits; // no certificate needed: bounded
    loop.serve = [&acceptor, &context](tcp::socket socket, ConnectionLimits::Slot slot, Peer client) {
        asio::co_spawn(acceptor.get_executor(),
                       serve_enrollment(std::move(socket), context.runtime.current(), context, std::move(slot),
                                        std::move(client)),
                       asio::detached);
    };
    loop.proxy_protocol = [&context] {
        auto rt = context.runtime.current();
        return std::shared_ptr<const config::ProxyProtocolConfig>(rt, &rt->config.enrollment.proxy_protocol);
    };
    loop.proxy_counters = &context.proxy_counters;
    co_await accept_loop(acceptor, std::move(loop));
}

} // namespace sekisho::gateway
