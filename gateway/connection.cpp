#include "gateway/connection.hpp"
#include "gateway/connection_pipeline.hpp"

#include "gateway/auth/auth_endpoints.hpp"
#include "gateway/auth/session_gate.hpp"
#include "gateway/http_error.hpp"
#include "gateway/identity.hpp"
#include "gateway/log.hpp"
#include "gateway/message_bounds.hpp"
#include "gateway/proxy.hpp"
#include "gateway/request_checks.hpp"
#include "gateway/request_reader.hpp"
#include "gateway/reserved_paths.hpp"
#include "gateway/runtime.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>
#include <optional>

namespace sekisho::gateway {
namespace {

std::string endpoint_string(const tcp::endpoint& ep) {
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

} // namespace

const std::string& ConnectionPipeline::assertion_for(const config::Route& route) {
    const auto now = std::chrono::steady_clock::now();
    const std::string_view session = user_ ? std::string_view(user_->session_ref) : std::string_view();
    static const std::vector<std::string> no_roles;
    if (!AssertionCache::serves(assertion_.get(), *rt_, route, identity_, session, now, user_ ? user_->roles : no_roles))
        assertion_ = worker_.assertions.get(rt_, route, identity_, user_ ? &*user_ : nullptr, now);
    return assertion_->token;
}

Task<void> ConnectionPipeline::send(Response res) {
    boost::system::error_code ec;
    worker_.metrics.response_sent(res.result_int());
    beast::get_lowest_layer(stream_).expires_after(rt_->config.timeouts.request_body);
    co_await http::async_write(stream_, res, awaitable_ec(ec));
}

Task<void> ConnectionPipeline::refuse(const Rejection& r, unsigned version) {
    worker_.metrics.request_rejected(r.reason);
    log_event(spdlog::level::warn, "request.rejected",
              {{"reason", to_string(r.reason)},
               {"status", std::to_string(static_cast<unsigned>(r.status))},
               {"peer", peer_},
               {"device", identity_.device},
               {"serial", identity_.serial},
               {"facility", identity_.facility},
               {"request_id", request_id_},
               {"detail", r.detail}});
    auto res = make_error_response(r.status, "The gateway refused this request.", false, version);
    co_await send(std::move(res));
}

Task<bool> ConnectionPipeline::admit(const Request& req, const config::Route& route, bool keep_alive) {
    user_.reset();
    entry_.session.clear();
    if (!route.login) co_return true;
    if (!worker_.auth) { // cannot happen: login routes need a registry; fail closed all the same
        Rejection rejection{http::status::forbidden, RequestRejection::login_required, "no login service"};
        co_await refuse(rejection, req.version());
        co_return false;
    }
    auto check = auth::check_session(*worker_.auth, auth::GateRequest{req, identity_, route, rt_->config, peer_, keep_alive});
    auto outcome = co_await std::move(check);
    if (outcome.session) {
        const auto& s = *outcome.session;
        user_ = UserIdentity{s.user, s.display_name, s.user_facility, s.roles, session_reference(s.id_hash)};
        entry_.session = s.id_hash; // so that ending the session closes this connection (or tunnel)
        co_return true;
    }
    worker_.metrics.request_rejected(outcome.rejection);
    log_event(spdlog::level::info, "request.unauthenticated",
              {{"reason", to_string(outcome.rejection)}, {"route", route.name}, {"peer", peer_},
               {"device", identity_.device}, {"serial", identity_.serial}, {"facility", identity_.facility},
               {"request_id", request_id_}, {"status", std::to_string(outcome.response->result_int())}});
    co_await send(std::move(*outcome.response));
    co_return false;
}

// One request through the pipeline. Returns whether the connection may carry another.
Task<bool> ConnectionPipeline::serve_one(HeaderRead head) {
    const auto& cfg = rt_->config;
    request_id_ = connection_id_ + "-" + std::to_string(++requests_);
    if (head.rejection) {
        co_await refuse(*head.rejection, 11);
        co_return false;
    }

    std::string_view block(static_cast<const char*>(buffer_.data().data()), head.length);
    if (auto r = check_header_block(block)) {
        co_await refuse(*r, 11);
        co_return false;
    }

    ChunkBounds chunks; // before the parser: it holds a reference to the callback
    http::request_parser<http::string_body> parser;
    chunks.attach(parser);
    parser.header_limit(static_cast<std::uint32_t>(cfg.limits.max_header_bytes));
    parser.body_limit(cfg.limits.max_body_bytes);
    boost::system::error_code ec;
    parser.put(asio::buffer(block.data(), block.size()), ec);
    buffer_.consume(head.length);
    if (!ec && !parser.is_header_done()) ec = http::error::partial_message;
    if (ec) {
        auto rejection = rejection_for_parse_error(ec);
        co_await refuse(rejection, 11);
        co_return false;
    }

    auto& req = parser.get();
    const unsigned version = req.version();
    if (static_cast<std::size_t>(std::distance(req.begin(), req.end())) > cfg.limits.max_headers) {
        Rejection rejection{http::status::request_header_fields_too_large, RequestRejection::header_too_large,
                            "more header fields than limits.max_headers"};
        co_await refuse(rejection, version);
        co_return false;
    }
    std::string host;
    if (auto r = check_request_header(req, sni_, &host)) {
        co_await refuse(*r, version);
        co_return false;
    }

    const auto path = std::string(target_path(req.target()));
    const bool reserved = is_reserved_path(path);
    const config::Route* route = nullptr;
    if (!reserved) {
        if (!rt_->routes->knows_host(host)) {
            Rejection rejection{http::status::misdirected_request, RequestRejection::misdirected,
                                "no route serves host " + host};
            co_await refuse(rejection, version);
            co_return false;
        }
        route = rt_->routes->match(host, path);
        if (!route) {
            Rejection rejection{http::status::not_found, RequestRejection::no_route,
                                "no route for " + host + path};
            co_await refuse(rejection, version);
            co_return false;
        }
        if (auto r = check_path_parameters(path, route->allow_path_parameters)) {
            co_await refuse(*r, version);
            co_return false;
        }
        // Without a body left unread the connection can carry the browser's next request.
        const bool gate_keep_alive = req.keep_alive() && parser.is_done() && may_take_another_request();
        if (!co_await admit(req, *route, gate_keep_alive)) co_return gate_keep_alive;
    }
    const bool websocket = beast::websocket::is_upgrade(req);
    if (websocket && (!route || !route->websocket)) {
        Rejection rejection{http::status::forbidden, RequestRejection::upgrade_refused,
                            "WebSocket upgrade on a route that does not allow it"};
        co_await refuse(rejection, version);
        co_return false;
    }

    if (auto expect = req[http::field::expect]; !expect.empty()) {
        if (!beast::iequals(expect, "100-continue")) {
            Rejection rejection{http::status::expectation_failed, RequestRejection::bad_request,
                                "unsupported Expect"};
            co_await refuse(rejection, version);
            co_return false;
        }
        req.erase(http::field::expect);
        if (!parser.is_done()) {
            static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
            co_await asio::async_write(stream_, asio::buffer(continue_line), awaitable_ec(ec));
            if (ec) co_return false;
        }
    }
    if (!parser.is_done()) {
        beast::get_lowest_layer(stream_).expires_after(cfg.timeouts.request_body);
        co_await http::async_read(stream_, buffer_, parser, awaitable_ec(ec));
        if (ec == beast::error::timeout) {
            Rejection rejection{http::status::request_timeout, RequestRejection::timeout,
                                "request body not complete in time"};
            co_await refuse(rejection, version);
            co_return false;
        }
        if (ec == http::error::end_of_stream || ec == asio::error::eof) co_return false;
        if (ec) {
            auto rejection = rejection_for_parse_error(ec);
            co_await refuse(rejection, version);
            co_return false;
        }
        if (auto r = chunks.refuse_trailer(req)) { // merged into the header after its checks ran
            co_await refuse(*r, version);
            co_return false;
        }
    }

    const bool keep_alive = req.keep_alive() && may_take_another_request(); // else "Connection: close"
    const auto started = std::chrono::steady_clock::now();
    Request request = parser.release();
    if (reserved) {
        if (worker_.auth && auth::is_auth_path(target_path(request.target()))) {
            auto answer = auth::answer_auth(
                *worker_.auth, auth::AuthRequest{request, std::shared_ptr<const config::Config>(rt_, &rt_->config),
                                                 identity_, peer_ip_, keep_alive, worker_.metrics});
            auto res = co_await std::move(answer);
            if (request.method() == http::verb::head) drop_body_for_head(res);
            co_await send(std::move(res));
            co_return keep_alive;
        }
        auto res = answer_reserved(request, *rt_, keep_alive);
        if (request.method() == http::verb::head) drop_body_for_head(res);
        co_await send(std::move(res));
        co_return keep_alive;
    }

    const auto& assertion = assertion_for(*route);
    const std::string method(request.method_string());
    rewrite_for_upstream(request, identity_, user_ ? &*user_ : nullptr, peer_ip_, assertion, websocket, request_id_);
    entry_.tunnel = websocket; // a reload closes a tunnel at once (it has no next request)
    auto outcome =
        co_await forward(stream_, buffer_, request, *rt_, *route, worker_.pool, keep_alive, websocket);
    entry_.tunnel = false;
    const auto elapsed = std::chrono::steady_clock::now() - started;
    const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    if (outcome.kind != ForwardOutcome::Kind::client_failed)
        worker_.metrics.route_response(route->name, outcome.status, std::chrono::duration<double>(elapsed).count());
    if (outcome.kind == ForwardOutcome::Kind::upstream_failed) {
        worker_.metrics.upstream_failure(outcome.status == 504);
        log_event(spdlog::level::warn, "upstream.failed",
                  {{"route", route->name},
                   {"upstream", route->upstream.url},
                   {"status", std::to_string(outcome.status)},
                   {"peer", peer_},
                   {"device", identity_.device},
                   {"request_id", request_id_},
                   {"detail", outcome.detail}});
        auto status = static_cast<http::status>(outcome.status);
        auto res = make_error_response(status,
                                       status == http::status::gateway_timeout
                                           ? "The service did not answer in time."
                                           : "The service is not reachable.",
                                       keep_alive, version);
        co_await send(std::move(res));
        co_return keep_alive;
    }
    if (outcome.kind != ForwardOutcome::Kind::client_failed) worker_.metrics.response_sent(outcome.status);
    log_event(outcome.kind == ForwardOutcome::Kind::client_failed ? spdlog::level::warn : spdlog::level::info,
              "request",
              {{"route", route->name},
               {"method", method},
               {"path", path},
               {"status", std::to_string(outcome.status)},
               {"ms", std::to_string(elapsed_ms)},
               {"peer", peer_},
               {"device", identity_.device},
               {"serial", identity_.serial},
               {"facility", identity_.facility},
               {"user", user_ ? std::string_view(user_->user) : std::string_view("-")},
               {"request_id", request_id_},
               {"detail", outcome.detail}});
    co_return outcome.kind == ForwardOutcome::Kind::relayed&& outcome.keep_alive;
}

// A kept-alive connection goes on only under the configuration it was admitted with (a
// reload may have changed CAs, CRLs, routes or keys: the client reconnects under the new
// one), and within the per-connection request count and lifetime.
bool ConnectionPipeline::may_take_another_request() const {
    const auto& cfg = rt_->config;
    return !worker_.draining.load() && worker_.runtime.generation() == rt_->generation &&
           requests_ < cfg.limits.max_requests_per_connection &&
           std::chrono::steady_clock::now() - admitted_at_ < cfg.timeouts.connection_lifetime;
}

Task<void> ConnectionPipeline::run() {
    auto& tcp = beast::get_lowest_layer(stream_);
    entry_.tcp = &tcp;
    entry_.peer = peer_;
    buffer_.max_size(read_buffer_limit(rt_->config.limits.max_header_bytes));
    worker_.registry.add(&entry_);
    struct Unregister {
        ConnectionRegistry& r;
        ConnectionRegistry::Entry* e;
        ~Unregister() { r.remove(e); }
    } unregister{worker_.registry, &entry_};

    boost::system::error_code ec;
    tcp.expires_after(rt_->config.timeouts.handshake);
    co_await stream_.async_handshake(awaitable_ec(ec));
    if (!handshake_succeeded(ec)) co_return;

    admitted_at_ = std::chrono::steady_clock::now();
    bool first = true;
    while (first || may_take_another_request()) {
        // The wait for the next request is here, not in serve_one: an idle connection
        // keeps no frame of the request code (2 KiB each) alive.
        entry_.idle = !first;
        auto head = co_await read_header_block(stream_, buffer_, rt_->config, first);
        entry_.idle = false;
        if (head.closed || !co_await serve_one(std::move(head))) break;
        user_.reset(); // the user belongs to the request served, not to the waiting connection
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
                            ConnectionLimits::Slot) {
    worker.metrics.connection_opened();
    struct Closed {
        Metrics& m;
        ~Closed() { m.connection_closed(); }
    } closed{worker.metrics};
    boost::system::error_code ec;
    auto remote = socket.remote_endpoint(ec);
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true), ec);
    ClientStream stream(std::move(socket), *rt->listener_tls.context);
    ConnectionPipeline pipeline(stream, rt, worker, endpoint_string(remote), remote.address().to_string());
    co_await pipeline.run();
}

} // namespace sekisho::gateway
