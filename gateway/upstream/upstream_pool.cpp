#include "gateway/upstream/upstream_pool.hpp"

#include "gateway/runtime/runtime.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <sys/socket.h>

namespace sekisho::gateway {
namespace {

std::string pool_key(const Runtime& rt, const config::Route& route) {
    return std::to_string(rt.generation) + '/' + route.name;
}

// Server name to send and verify: upstream_tls.server_name, else the URL's host.
std::string verify_name(const Runtime& rt, const config::Route& route) {
    const auto& up = route.upstream_tls ? *route.upstream_tls : rt.config.upstream_tls;
    return up.server_name.empty() ? route.upstream.host : up.server_name;
}

bool configure_verification(SSL* ssl, const std::string& name) {
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    if (!ec) { // an IP address: verified against the certificate's IP SANs, no SNI
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1;
    }
    return SSL_set_tlsext_host_name(ssl, name.c_str()) == 1 && SSL_set1_host(ssl, name.c_str()) == 1;
}

// An idle connection must have nothing to say: bytes that arrived after its last response
// (a HEAD answer's body, an answer to a request body the backend took for a new request,
// a stray 1xx) would be read as the next request's response; a FIN means it is closing.
bool quiet_while_idle(tcp::socket& socket) {
    if (!socket.is_open()) return false;
    char byte;
    const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

} // namespace

Task<AcquireResult> UpstreamPool::acquire(const Runtime& rt, const config::Route& route, bool fresh_only) {
    const auto key = pool_key(rt, route);
    const auto now = std::chrono::steady_clock::now();
    if (!fresh_only) {
        auto& idle = idle_[key];
        while (!idle.empty()) {
            auto conn = std::move(idle.back());
            idle.pop_back();
            if (now - conn->idle_since < rt.config.timeouts.upstream_idle && quiet_while_idle(conn->tcp().socket())) {
                conn->reused = true;
                co_return AcquireResult{std::move(conn), {}, false, {}};
            }
        }
    }

    AcquireResult out;
    boost::system::error_code ec;
    const auto& u = route.upstream;
    tcp::resolver resolver(executor_);
    const auto port = std::to_string(u.port);
    auto endpoints = co_await resolver.async_resolve(u.host, port,
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        out.error = ec;
        out.detail = "resolving " + u.host;
        co_return out;
    }
    beast::tcp_stream tcp(executor_);
    tcp.expires_after(rt.config.timeouts.upstream_connect);
    co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        out.error = ec;
        out.timed_out = ec == beast::error::timeout;
        out.detail = "connecting to " + u.url;
        co_return out;
    }
    tcp.socket().set_option(tcp::no_delay(true));

    std::unique_ptr<UpstreamConnection> conn;
    if (u.scheme == "https") {
        const auto* tls = rt.upstream_tls_for(route);
        conn = std::make_unique<UpstreamConnection>(std::move(tcp), *tls->context);
        auto& stream = std::get<UpstreamTlsStream>(conn->stream);
        if (!configure_verification(stream.native_handle(), verify_name(rt, route))) {
            out.error = asio::error::invalid_argument;
            out.detail = "setting the upstream name to verify";
            co_return out;
        }
        co_await stream.async_handshake(asio::ssl::stream_base::client,
                                        asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            out.error = ec;
            out.timed_out = ec == beast::error::timeout;
            out.detail = "TLS handshake with " + u.url;
            co_return out;
        }
    } else {
        conn = std::make_unique<UpstreamConnection>(std::move(tcp));
    }
    conn->pool_key = key;
    conn->pool_epoch = epoch_;
    out.connection = std::move(conn);
    co_return out;
}

void UpstreamPool::release(std::unique_ptr<UpstreamConnection> connection) {
    if (connection->pool_epoch != epoch_) return; // made before a reload: closes here
    connection->idle_since = std::chrono::steady_clock::now();
    connection->tcp().expires_never();
    auto& idle = idle_[connection->pool_key];
    constexpr std::size_t max_idle_per_route = 64;
    if (idle.size() < max_idle_per_route) idle.push_back(std::move(connection));
}

} // namespace sekisho::gateway
