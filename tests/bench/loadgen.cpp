// sekisho-loadgen: an HTTPS load generator that presents a client certificate, because
// wrk and hey cannot. Runs `connections` concurrent clients for `seconds`; each sends
// GET requests over keep-alive, or over a new TLS connection per request with --new-conn
// (full handshakes). Prints one JSON line: requests, errors, rate, latency percentiles.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1", port = "8443", sni = "localhost", path = "/";
    std::string cert, key, ca;
    int connections = 16;
    double seconds = 10;
    bool new_connection_per_request = false;
};

struct Stats {
    std::uint64_t ok = 0, errors = 0;
    std::vector<double> latencies_ms;
};

asio::awaitable<void> client(Options const& o, asio::ssl::context& ctx, Clock::time_point end, Stats& stats) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    boost::system::error_code ec;
    auto endpoints = co_await resolver.async_resolve(o.host, o.port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) { stats.errors++; co_return; }
    while (Clock::now() < end) {
        beast::ssl_stream<beast::tcp_stream> stream(ex, ctx);
        SSL_set_tlsext_host_name(stream.native_handle(), o.sni.c_str());
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_await stream.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) { stats.errors++; continue; }
        beast::flat_buffer buffer;
        do {
            auto started = Clock::now();
            http::request<http::empty_body> req{http::verb::get, o.path, 11};
            req.set(http::field::host, o.sni);
            req.keep_alive(!o.new_connection_per_request);
            beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
            co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
            http::response<http::string_body> res;
            if (!ec) co_await http::async_read(stream, buffer, res, asio::redirect_error(asio::use_awaitable, ec));
            if (ec || res.result_int() != 200) { stats.errors++; break; }
            stats.ok++;
            stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
            if (!res.keep_alive()) break;
        } while (!o.new_connection_per_request && Clock::now() < end);
        beast::get_lowest_layer(stream).close();
    }
}

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--host") o.host = v;
        else if (k == "--port") o.port = v;
        else if (k == "--sni") o.sni = v;
        else if (k == "--path") o.path = v;
        else if (k == "--cert") o.cert = v;
        else if (k == "--key") o.key = v;
        else if (k == "--ca") o.ca = v;
        else if (k == "--connections") o.connections = std::stoi(v);
        else if (k == "--seconds") o.seconds = std::stod(v);
        else if (k == "--new-conn") o.new_connection_per_request = v == "1";
        else { std::cerr << "unknown option " << k << "\n"; return 2; }
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_options(asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF); // every handshake is full
    SSL_CTX_set_options(ctx.native_handle(), SSL_OP_NO_TICKET);
    if (!o.ca.empty()) ctx.load_verify_file(o.ca);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    if (!o.cert.empty()) {
        ctx.use_certificate_chain_file(o.cert);
        ctx.use_private_key_file(o.key, asio::ssl::context::pem);
    }
    asio::io_context io(1);
    std::vector<Stats> stats(o.connections);
    auto started = Clock::now();
    auto end = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    for (int i = 0; i < o.connections; ++i) asio::co_spawn(io, client(o, ctx, end, stats[i]), asio::detached);
    io.run();
    double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    Stats all;
    for (auto& s : stats) {
        all.ok += s.ok;
        all.errors += s.errors;
        all.latencies_ms.insert(all.latencies_ms.end(), s.latencies_ms.begin(), s.latencies_ms.end());
    }
    std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
    auto pct = [&](double p) {
        if (all.latencies_ms.empty()) return 0.0;
        return all.latencies_ms[std::min(all.latencies_ms.size() - 1, static_cast<std::size_t>(p * all.latencies_ms.size()))];
    };
    std::printf("{\"requests\":%llu,\"errors\":%llu,\"seconds\":%.2f,\"rate\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
                static_cast<unsigned long long>(all.ok), static_cast<unsigned long long>(all.errors), elapsed,
                all.ok / elapsed, pct(0.5), pct(0.99));
    return all.ok > 0 ? 0 : 1;
}
