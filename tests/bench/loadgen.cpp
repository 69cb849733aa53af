// sekisho-loadgen: an HTTPS load generator that presents a client certificate, carries
// headers such as a session cookie and keeps connections alive — wrk and hey cannot present
// client certificates. Beast + C++20 coroutines, one thread.
//
//   --mode keepalive   requests back to back on `connections` kept-alive connections
//                      (closed loop), or at --rate requests/s in all (open loop)
//   --mode new         a full TLS handshake for every request (no tickets, no cache)
//   --mode resume      a new connection for every request, resuming with the newest
//                      TLS 1.3 ticket received
//   --mode idle        opens `connections` connections, one request each, prints
//                      {"ready":N} and holds them until standard input closes
//
// Open-loop latencies are measured from when each request was due, not when it was sent,
// so a stalled server is not hidden by the generator waiting for it (coordinated omission).
// Prints one JSON line: requests, errors, rate, p50/p90/p99/max latency, resumed handshakes.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;

enum class Mode { keepalive, fresh, resume, idle };

struct Options {
    std::string host = "127.0.0.1", port = "8443", sni = "localhost", path = "/";
    std::string cert, key, ca;
    std::string method = "GET", body;
    std::vector<std::string> headers; // "Name: value"
    unsigned expect_status = 200;
    int connections = 16;
    double seconds = 10;
    double rate = 0; // requests/s in all; 0 = closed loop
    Mode mode = Mode::keepalive;
};

struct Stats {
    std::uint64_t ok = 0, errors = 0, resumed = 0;
    std::vector<double> latencies_ms;
};

// What every client shares: the options, the TLS context, the session to resume.
struct Shared {
    Options options;
    asio::ssl::context ctx{asio::ssl::context::tls_client};
    tcp::resolver::results_type endpoints;
    SSL_SESSION* session = nullptr; // resume mode: the newest session ticket
    std::size_t ready = 0, attempted = 0; // idle mode: connections established / tried
};

auto ec_token(boost::system::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

http::request<http::string_body> make_request(const Options& o, bool keep_alive) {
    http::request<http::string_body> req{http::string_to_verb(o.method), o.path, 11};
    req.set(http::field::host, o.sni);
    for (const auto& h : o.headers) {
        const auto colon = h.find(':');
        if (colon == std::string::npos) continue;
        req.set(h.substr(0, colon), h.substr(h.find_first_not_of(' ', colon + 1)));
    }
    req.body() = o.body;
    req.keep_alive(keep_alive);
    req.prepare_payload();
    return req;
}

asio::awaitable<bool> connect(Shared& s, Stream& stream, Stats& stats) {
    boost::system::error_code ec;
    SSL_set_tlsext_host_name(stream.native_handle(), s.options.sni.c_str());
    if (s.options.mode == Mode::resume && s.session) SSL_set_session(stream.native_handle(), s.session);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    co_await beast::get_lowest_layer(stream).async_connect(s.endpoints, ec_token(ec));
    if (!ec) co_await stream.async_handshake(asio::ssl::stream_base::client, ec_token(ec));
    if (ec) {
        stats.errors++;
        co_return false;
    }
    if (SSL_session_reused(stream.native_handle())) stats.resumed++;
    co_return true;
}

// One request and its response; records the latency from `due`.
asio::awaitable<bool> exchange(Shared& s, Stream& stream, beast::flat_buffer& buffer, bool keep_alive,
                               Clock::time_point due, Stats& stats) {
    boost::system::error_code ec;
    auto req = make_request(s.options, keep_alive);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream, req, ec_token(ec));
    http::response<http::string_body> res;
    if (!ec) co_await http::async_read(stream, buffer, res, ec_token(ec));
    if (ec || res.result_int() != s.options.expect_status) {
        stats.errors++;
        co_return false;
    }
    stats.ok++;
    stats.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    if (s.options.mode == Mode::resume) { // the newest ticket, as a browser would use
        if (s.session) SSL_SESSION_free(s.session);
        s.session = SSL_get1_session(stream.native_handle());
    }
    co_return res.keep_alive();
}

asio::awaitable<void> client(Shared& s, int index, Clock::time_point start, Clock::time_point end, Stats& stats) {
    auto ex = co_await asio::this_coro::executor;
    const auto& o = s.options;
    // Open loop: this client's share of the rate, its first request offset so that the
    // clients together send evenly.
    const auto interval = o.rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(o.connections / o.rate))
                                     : Clock::duration::zero();
    auto due = start + interval * index / std::max(1, o.connections);
    asio::steady_timer timer(ex);
    while (Clock::now() < end) {
        Stream stream(ex, s.ctx);
        if (!co_await connect(s, stream, stats)) {
            timer.expires_after(std::chrono::milliseconds(10));
            co_await timer.async_wait(asio::use_awaitable);
            continue;
        }
        beast::flat_buffer buffer;
        const bool keep_alive = o.mode == Mode::keepalive;
        for (;;) {
            if (o.rate > 0) {
                timer.expires_at(due);
                co_await timer.async_wait(asio::use_awaitable);
            } else {
                due = Clock::now();
            }
            const bool again = co_await exchange(s, stream, buffer, keep_alive, due, stats);
            due += interval;
            if (!again || !keep_alive || Clock::now() >= end) break;
        }
        // Counted as a clean shutdown: OpenSSL marks the session of an SSL freed without one
        // not resumable, and resume mode reuses the first connection's session.
        SSL_set_shutdown(stream.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
        boost::system::error_code ec;
        beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
        beast::get_lowest_layer(stream).close();
    }
}

// Idle mode: one established connection, held until `hold` is closed.
asio::awaitable<void> idle_client(Shared& s, Stats& stats, std::shared_ptr<asio::steady_timer> hold) {
    auto ex = co_await asio::this_coro::executor;
    Stream stream(ex, s.ctx);
    beast::flat_buffer buffer;
    const bool up = co_await connect(s, stream, stats) &&
                    co_await exchange(s, stream, buffer, true, Clock::now(), stats);
    if (up) ++s.ready;
    if (++s.attempted == static_cast<std::size_t>(s.options.connections)) {
        std::printf("{\"ready\":%zu,\"failed\":%zu}\n", s.ready, s.attempted - s.ready);
        std::fflush(stdout);
    }
    if (!up) co_return;
    beast::get_lowest_layer(stream).expires_never();
    boost::system::error_code ec;
    co_await hold->async_wait(ec_token(ec)); // cancelled when stdin closes
}

asio::awaitable<void> wait_for_stdin_close(std::shared_ptr<asio::steady_timer> hold) {
    asio::posix::stream_descriptor in(co_await asio::this_coro::executor, ::dup(STDIN_FILENO));
    char byte;
    boost::system::error_code ec;
    while (!ec) co_await asio::async_read(in, asio::buffer(&byte, 1), ec_token(ec));
    hold->cancel();
}

// Opens the idle connections a few at a time, as a pool of terminals coming online would.
asio::awaitable<void> open_idle(Shared& s, std::vector<Stats>& stats, std::shared_ptr<asio::steady_timer> hold) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer pace(ex);
    for (int i = 0; i < s.options.connections; ++i) {
        asio::co_spawn(ex, idle_client(s, stats[i], hold), asio::detached);
        if (i % 32 == 31) {
            pace.expires_after(std::chrono::milliseconds(20));
            co_await pace.async_wait(asio::use_awaitable);
        }
    }
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--host") o.host = v;
        else if (k == "--port") o.port = v;
        else if (k == "--sni") o.sni = v;
        else if (k == "--path") o.path = v;
        else if (k == "--cert") o.cert = v;
        else if (k == "--key") o.key = v;
        else if (k == "--ca") o.ca = v;
        else if (k == "--method") o.method = v;
        else if (k == "--body") o.body = v;
        else if (k == "--header") o.headers.push_back(v);
        else if (k == "--expect-status") o.expect_status = static_cast<unsigned>(std::stoul(v));
        else if (k == "--connections") o.connections = std::stoi(v);
        else if (k == "--seconds") o.seconds = std::stod(v);
        else if (k == "--rate") o.rate = std::stod(v);
        else if (k == "--mode" && v == "keepalive") o.mode = Mode::keepalive;
        else if (k == "--mode" && v == "new") o.mode = Mode::fresh;
        else if (k == "--mode" && v == "resume") o.mode = Mode::resume;
        else if (k == "--mode" && v == "idle") o.mode = Mode::idle;
        else {
            std::cerr << "unknown option " << k << " " << v << "\n";
            return false;
        }
    }
    return o.connections > 0;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

int main(int argc, char** argv) {
    Shared s;
    if (!parse(argc, argv, s.options)) return 2;
    const auto& o = s.options;
    SSL_CTX* ctx = s.ctx.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    if (o.mode == Mode::resume) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); // every handshake is full
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    if (!o.ca.empty()) s.ctx.load_verify_file(o.ca);
    s.ctx.set_verify_mode(asio::ssl::verify_peer);
    if (!o.cert.empty()) {
        s.ctx.use_certificate_chain_file(o.cert);
        s.ctx.use_private_key_file(o.key, asio::ssl::context::pem);
    }
    asio::io_context io(1);
    s.endpoints = tcp::resolver(io).resolve(o.host, o.port);
    std::vector<Stats> stats(static_cast<std::size_t>(o.connections));
    const auto started = Clock::now();
    const auto end = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    if (o.mode == Mode::idle) {
        auto hold = std::make_shared<asio::steady_timer>(io, Clock::time_point::max());
        asio::co_spawn(io, open_idle(s, stats, hold), asio::detached);
        asio::co_spawn(io, wait_for_stdin_close(hold), asio::detached);
    } else {
        for (int i = 0; i < o.connections; ++i)
            asio::co_spawn(io, client(s, i, started, end, stats[static_cast<std::size_t>(i)]), asio::detached);
    }
    io.run();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    Stats all;
    for (auto& st : stats) {
        all.ok += st.ok;
        all.errors += st.errors;
        all.resumed += st.resumed;
        all.latencies_ms.insert(all.latencies_ms.end(), st.latencies_ms.begin(), st.latencies_ms.end());
    }
    std::sort(all.latencies_ms.begin(), all.latencies_ms.end());
    std::printf("{\"requests\":%llu,\"errors\":%llu,\"resumed\":%llu,\"seconds\":%.3f,\"rate\":%.1f,"
                "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
                static_cast<unsigned long long>(all.ok), static_cast<unsigned long long>(all.errors),
                static_cast<unsigned long long>(all.resumed), elapsed, static_cast<double>(all.ok) / elapsed,
                percentile(all.latencies_ms, 0.5), percentile(all.latencies_ms, 0.9),
                percentile(all.latencies_ms, 0.99), all.latencies_ms.empty() ? 0.0 : all.latencies_ms.back());
    if (s.session) SSL_SESSION_free(s.session);
    return all.ok > 0 ? 0 : 1;
}
