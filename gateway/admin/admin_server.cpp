#include "gateway/admin/admin_server.hpp"

#include "config/config.hpp"
#include "gateway/tls/client_verifier.hpp"
#include "gateway/admin/dashboard_page.hpp"
#include "gateway/events/expiry_metrics.hpp"
#include "gateway/http/cacheable_response.hpp"
#include "gateway/http/html.hpp"
#include "gateway/http/http_error.hpp"
#include "gateway/events/log.hpp"
#include "gateway/http/message_bounds.hpp"
#include "gateway/listener/process_limits.hpp"
#include "gateway/http/request_checks.hpp"
#include "gateway/listener/accept_loop.hpp"
#include "gateway/listener/peer_address.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sekisho::gateway {
namespace {

std::string limits_metrics(const AdminContext& ctx) {
    std::string out;
    const auto& l = ctx.connection_limits;
    render_connection_limits(out, {l[0], l[1], l[2]});
    render_proxy_protocol_refusals(out, {ctx.proxy_counters[0], ctx.proxy_counters[1]});
    return out;
}

// Read from memory only (the registry part is a snapshot the control thread keeps): safe
// on the I/O thread.
Response dashboard(const Request& req, const AdminContext& ctx) {
    const auto target = std::string_view(req.target());
    const auto q = target.find('?');
    const auto query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    const Lang lang = choose_language(query_parameter(query, "lang"), req[http::field::accept_language]);
    DashboardData data;
    data.now = ctx.history ? ctx.history->now() : std::chrono::system_clock::now();
    data.window = parse_dashboard_window(query_parameter(query, "window"));
    if (ctx.history) read_history(*ctx.history, data);
    if (ctx.registry_view) data.registry = ctx.registry_view->current();
    data.clock = read_clock_sync();
    if (ctx.volumes) data.volumes = ctx.volumes->readings();
    auto res = make_text_response(http::status::ok, "text/html; charset=utf-8", render_dashboard(data, lang),
                                  req.keep_alive());
    // No script may run here and nothing be fetched (no-store and nosniff are already set).
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'");
    res.set(http::field::content_language, lang_code(lang));
    res.set(http::field::vary, "Accept-Language");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    return res;
}

Response answer(const Request& req, const AdminContext& ctx) {
    const bool keep_alive = req.keep_alive();
    if (req.method() != http::verb::get && req.method() != http::verb::head)
        return make_error_response(http::status::method_not_allowed, "only GET and HEAD", keep_alive);
    const auto path = target_path(req.target());
    if (path == "/healthz") return make_text_response(http::status::ok, "text/plain", "ok\n", keep_alive);
    if (path == "/readyz") {
        const auto reasons = ctx.not_ready ? ctx.not_ready() : std::vector<std::string>{};
        std::string body = reasons.empty() ? "ready\n" : "";
        for (const auto& reason : reasons) body += "not ready: " + reason + "\n";
        return make_text_response(reasons.empty() ? http::status::ok : http::status::service_unavailable,
                                  "text/plain", std::move(body), keep_alive);
    }
    if (path == "/metrics") {
        const auto rt = ctx.runtime.current();
        return make_text_response(http::status::ok, "text/plain; version=0.0.4",
                                  ctx.metrics.render_prometheus() + render_expiry_metrics(rt->config) +
                                      render_process_metrics() + limits_metrics(ctx) +
                                      (ctx.volumes ? ctx.volumes->render_prometheus() : std::string()),
                                  keep_alive);
    }
    if (path == "/dashboard") return dashboard(req, ctx);
    if (path == "/_sekisho/jwks.json") {
        const auto rt = ctx.runtime.current();
        return make_cacheable_response(req, "application/jwk-set+json", rt->assertion_keys.jwks,
                                       rt->assertion_keys.etag, kJwksMaxAge, keep_alive);
    }
    return make_error_response(http::status::not_found, "no such admin page", keep_alive);
}

// A request for another name is a browser tricked by DNS rebinding (see admin_host.hpp).
std::optional<Response> refuse_foreign_host(const Request& req, const AdminContext& ctx, const std::string& peer) {
    const auto host = req[http::field::host];
    if (!ctx.own_names || (req.count(http::field::host) == 1 && ctx.own_names->allows(host))) return std::nullopt;
    log_event(spdlog::level::warn, "admin.host_refused",
              {{"host", std::string(host)}, {"peer", peer}, {"target", std::string(req.target())}});
    return make_error_response(http::status::misdirected_request, "this listener answers only to its own name", false);
}

template <typename Stream>
Task<void> serve_requests(Stream& stream, const AdminContext& ctx, const Peer& peer,
                          const std::optional<OperatorCertificate>& operator_cert) {
    auto& tcp = beast::get_lowest_layer(stream);
    constexpr std::size_t max_header_bytes = 8192;
    beast::flat_buffer buffer(read_buffer_limit(max_header_bytes));
    boost::system::error_code ec;
    for (;;) {
        ChunkBounds chunks;
        http::request_parser<http::string_body> parser;
        chunks.attach(parser);
        parser.header_limit(max_header_bytes);
        // Beast checks Content-Length against the limit as the header is parsed.
        parser.body_limit(ctx.api ? kAdminApiMaxBody : 0);
        tcp.expires_after(config::kAdminTimeouts.request);
        co_await http::async_read_header(stream, buffer, parser, awaitable_ec(ec));
        if (ec) break;
        // Only the administration API takes a body (a command); every other page none.
        const bool api = ctx.api && is_admin_api_path(target_path(parser.get().target()));
        if (!api && (parser.chunked() || parser.content_length().value_or(0) > 0)) break;
        co_await http::async_read(stream, buffer, parser, awaitable_ec(ec));
        if (ec || chunks.trailer_received(parser.get())) break; // no trailer is ever needed here
        auto refused = refuse_foreign_host(parser.get(), ctx, peer.endpoint);
        Response res;
        if (refused) {
            res = std::move(*refused);
        } else if (api) {
            auto answering = answer_admin_api(parser.get(), operator_cert, peer, *ctx.api);
            res = co_await std::move(answering);
        } else {
            res = answer(parser.get(), ctx);
        }
        if (parser.get().method() == http::verb::head) drop_body_for_head(res);
        const bool keep_alive = res.keep_alive();
        tcp.expires_after(config::kAdminTimeouts.request); // an API command may have taken a while
        co_await http::async_write(stream, res, awaitable_ec(ec));
        if (ec || !keep_alive) break;
    }
}

Task<void> serve_admin(tcp::socket socket, const AdminContext& ctx, ConnectionLimits::Slot, Peer client) {
    boost::system::error_code ec;
    const std::string peer = client.endpoint;
    if (!ctx.tls) {
        beast::tcp_stream stream(std::move(socket));
        const std::optional<OperatorCertificate> nobody;
        auto serving = serve_requests(stream, ctx, client, nobody);
        co_await std::move(serving);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        co_return;
    }
    // Off loopback: only operators holding a certificate of admin.tls.client_ca get in, checked
    // against the CRLs of the snapshot in force now (kept alive for this connection).
    const auto rt = ctx.runtime.current();
    if (!rt->admin_tls.context) co_return; // admin.tls removed by a reload: closed, never plain
    ClientStream stream(std::move(socket), *rt->admin_tls.context);
    beast::get_lowest_layer(stream).expires_after(config::kAdminTimeouts.handshake);
    co_await stream.async_handshake(awaitable_ec(ec));
    if (ec) {
        std::string detail = ec.message();
        if (int verr = ClientCertVerifier::recorded_verify_error(stream.native_handle()); verr != 0)
            detail = X509_verify_cert_error_string(verr); // e.g. "certificate revoked"
        log_event(spdlog::level::warn, "admin.handshake_refused", {{"peer", peer}, {"detail", detail}});
        co_return;
    }
    const auto operator_cert = operator_certificate(stream.native_handle());
    auto serving = serve_requests(stream, ctx, client, operator_cert);
    co_await std::move(serving);
    beast::get_lowest_layer(stream).expires_after(config::kAdminTimeouts.shutdown);
    co_await stream.async_shutdown(awaitable_ec(ec));
}

} // namespace

Task<void> run_admin_listener(tcp::acceptor& acceptor, const AdminContext& ctx) {
    AcceptLoop loop;
    loop.limits = ctx.connection_limits[2];
    loop.serve = [&acceptor, &ctx](tcp::socket socket, ConnectionLimits::Slot slot, Peer client) {
        asio::co_spawn(acceptor.get_executor(), serve_admin(std::move(socket), ctx, std::move(slot), std::move(client)),
                       asio::detached);
    };
    co_await accept_loop(acceptor, std::move(loop));
}

} // namespace sekisho::gateway
