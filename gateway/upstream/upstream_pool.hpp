// Connections to upstreams, kept alive and reused. One pool per worker thread, touched
// only from that thread, so there is no lock on the request path.
#pragma once

#include "config/config.hpp"
#include "gateway/http/http_types.hpp"

#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace sekisho::gateway {

struct Runtime;

using UpstreamTlsStream = beast::ssl_stream<beast::tcp_stream>;

struct UpstreamConnection {
    explicit UpstreamConnection(beast::tcp_stream tcp) : stream(std::move(tcp)) {}
    UpstreamConnection(beast::tcp_stream tcp, asio::ssl::context& ctx)
        : stream(std::in_place_type<UpstreamTlsStream>, std::move(tcp), ctx) {}

    std::variant<beast::tcp_stream, UpstreamTlsStream> stream;
    // Bounded: a backend's endless chunk line or header is refused, not buffered.
    beast::flat_buffer buffer{64 * 1024};
    std::string pool_key;
    std::uint64_t pool_epoch = 0; // UpstreamPool::clear() count when it was made
    std::chrono::steady_clock::time_point idle_since{};
    bool reused = false;

    beast::tcp_stream& tcp() {
        if (auto* plain = std::get_if<beast::tcp_stream>(&stream)) return *plain;
        return beast::get_lowest_layer(std::get<UpstreamTlsStream>(stream));
    }
};

struct AcquireResult {
    std::unique_ptr<UpstreamConnection> connection;
    boost::system::error_code error;
    bool timed_out = false;
    std::string detail; // what failed, for the log
};

class UpstreamPool {
public:
    explicit UpstreamPool(asio::any_io_executor executor) : executor_(std::move(executor)) {}

    // An idle connection for the route if one is fresh enough, else a new one (resolve,
    // connect, TLS handshake with server verification) within timeouts.upstream_connect.
    Task<AcquireResult> acquire(const Runtime& rt, const config::Route& route, bool fresh_only);

    // Returns a connection whose last exchange ended cleanly and kept it alive.
    void release(std::unique_ptr<UpstreamConnection> connection);

    // Closes every idle connection (at a reload: their keys name the old generation); the
    // ones in use then are closed when released instead of pooled under a dead key.
    void clear() {
        idle_.clear();
        ++epoch_;
    }

private:
    asio::any_io_executor executor_;
    std::uint64_t epoch_ = 0;
    std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
};

} // namespace sekisho::gateway
