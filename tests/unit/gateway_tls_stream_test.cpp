// TlsStream: the gateway's own server-side TLS stream over a real loopback socket, with
// Asio's ssl::stream as the client. What a terminal would notice: bytes arrive whole and
// in order (also when the socket is full), deadlines end a silent connection, the ends of
// a connection are told apart, and a bad handshake is an OpenSSL error.
#include "gateway/tls/tls_stream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <string>

using namespace sekisho::gateway;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using ClientTls = asio::ssl::stream<tcp::socket>;
template <typename T>
using Task = asio::awaitable<T>;
using namespace std::chrono_literals;

namespace {

auto ec_token(error_code& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
}

// A throwaway P-256 key and self-signed certificate for the server side.
void use_fresh_certificate(asio::ssl::context& ctx) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    REQUIRE(key);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("tls-stream-test"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_set_pubkey(cert, key);
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
    REQUIRE(SSL_CTX_use_certificate(ctx.native_handle(), cert) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(ctx.native_handle(), key) == 1);
    X509_free(cert);
    EVP_PKEY_free(key);
}

// Runs one server coroutine on a TlsStream and one client coroutine on Asio's stream,
// connected over 127.0.0.1, to the end of both.
void run_pair(std::function<Task<void>(TlsStream&)> server, std::function<Task<void>(ClientTls&)> client,
              bool client_does_tls = true) {
    asio::io_context io;
    asio::ssl::context server_ctx(asio::ssl::context::tls_server);
    server_ctx.set_options(asio::ssl::context::no_tlsv1_2);
    use_fresh_certificate(server_ctx);
    asio::ssl::context client_ctx(asio::ssl::context::tls_client);
    client_ctx.set_verify_mode(asio::ssl::verify_none);
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    std::exception_ptr failure;
    auto keep_first = [&](std::exception_ptr e) {
        if (e && !failure) failure = e;
    };
    asio::co_spawn(
        io,
        [&]() -> Task<void> {
            auto socket = co_await acceptor.async_accept(asio::use_awaitable);
            TlsStream stream(std::move(socket), server_ctx);
            co_await server(stream);
        },
        keep_first);
    asio::co_spawn(
        io,
        [&]() -> Task<void> {
            ClientTls stream(io, client_ctx);
            co_await stream.next_layer().async_connect(acceptor.local_endpoint(), asio::use_awaitable);
            if (client_does_tls) co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
            co_await client(stream);
        },
        keep_first);
    io.run();
    if (failure) std::rethrow_exception(failure);
}

Task<void> pause(asio::any_io_executor ex, std::chrono::milliseconds d) {
    asio::steady_timer timer(ex, d);
    co_await timer.async_wait(asio::use_awaitable);
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    return s;
}

} // namespace

TEST_CASE("TlsStream: a request and a two-part answer arrive whole", "[tls_stream]") {
    std::string server_got, client_got;
    error_code handshake_ec;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(ec_token(handshake_ec));
            std::array<char, 64> buf;
            auto n = co_await s.async_read_some(asio::buffer(buf), asio::use_awaitable);
            server_got.assign(buf.data(), n);
            const std::string header = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", body = "ok";
            std::array<asio::const_buffer, 3> parts{asio::buffer(header), asio::const_buffer(), asio::buffer(body)};
            co_await asio::async_write(s, parts, asio::use_awaitable);
        },
        [&](ClientTls& c) -> Task<void> {
            co_await asio::async_write(c, asio::buffer(std::string_view("GET / HTTP/1.1\r\n\r\n")), asio::use_awaitable);
            std::array<char, 256> buf;
            error_code ec;
            while (client_got.size() < 41) {
                auto n = co_await c.async_read_some(asio::buffer(buf), ec_token(ec));
                if (ec) break;
                client_got.append(buf.data(), n);
            }
        });
    CHECK_FALSE(handshake_ec);
    CHECK(server_got == "GET / HTTP/1.1\r\n\r\n");
    CHECK(client_got == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
}

// Where this thread's C stack is now: a coroutine's locals live in its frame on the heap.
[[gnu::noinline]] std::uintptr_t stack_here() {
    return reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
}

TEST_CASE("TlsStream: thousands of reads that complete at once arrive in order on a bounded stack", "[tls_stream]") {
    // Each one-byte read finds its byte already decrypted, so it completes at once and the
    // reader goes on inline (no round through the io_context's queue) — but only so deep:
    // a long run of them must not grow the stack with every read.
    const std::string sent = pattern(20000);
    std::string got;
    std::uintptr_t lowest = UINTPTR_MAX, highest = 0;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            co_await pause(co_await asio::this_coro::executor, 100ms); // all of it buffered by then
            char byte = 0;
            error_code ec;
            while (got.size() < sent.size()) {
                const auto n = co_await s.async_read_some(asio::buffer(&byte, 1), ec_token(ec));
                if (ec || n != 1) break;
                got.push_back(byte);
                const auto here = stack_here();
                lowest = std::min(lowest, here);
                highest = std::max(highest, here);
            }
        },
        [&](ClientTls& c) -> Task<void> {
            co_await asio::async_write(c, asio::buffer(sent), asio::use_awaitable);
            co_await pause(co_await asio::this_coro::executor, 500ms);
        });
    CHECK(got == sent);
    CHECK(highest - lowest < 256 * 1024); // unbounded nesting would be megabytes for 20,000 reads
}

TEST_CASE("TlsStream: megabytes to a slow reader arrive intact and in order", "[tls_stream]") {
    const std::string sent = pattern(8 << 20); // far more than the socket buffers hold
    std::string received;
    std::size_t written = 0;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            // Two buffers per write: the gathered path and the direct path both run.
            std::array<asio::const_buffer, 2> parts{asio::buffer(sent.data(), 100), asio::buffer(sent.data() + 100, sent.size() - 100)};
            written = co_await asio::async_write(s, parts, asio::use_awaitable);
        },
        [&](ClientTls& c) -> Task<void> {
            co_await pause(c.get_executor(), 200ms); // the server's socket fills up meanwhile
            std::array<char, 65536> buf;
            error_code ec;
            while (received.size() < sent.size()) {
                auto n = co_await c.async_read_some(asio::buffer(buf), ec_token(ec));
                if (ec) break;
                received.append(buf.data(), n);
            }
        });
    CHECK(written == sent.size());
    CHECK(received.size() == sent.size());
    CHECK(received == sent);
}

TEST_CASE("TlsStream: the deadline ends a silent connection with timeout, until set again", "[tls_stream]") {
    error_code first, second, after_reset;
    std::string later;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            std::array<char, 64> buf;
            s.expires_after(100ms);
            co_await s.async_read_some(asio::buffer(buf), ec_token(first));
            co_await s.async_read_some(asio::buffer(buf), ec_token(second));
            s.expires_after(5s);
            auto n = co_await s.async_read_some(asio::buffer(buf), ec_token(after_reset));
            later.assign(buf.data(), n);
        },
        [&](ClientTls& c) -> Task<void> {
            co_await pause(c.get_executor(), 400ms);
            co_await asio::async_write(c, asio::buffer(std::string_view("late")), asio::use_awaitable);
            co_await pause(c.get_executor(), 200ms);
        });
    CHECK(first == boost::beast::error::timeout);
    CHECK(second == boost::beast::error::timeout);
    CHECK_FALSE(after_reset);
    CHECK(later == "late");
}

TEST_CASE("TlsStream: a later deadline replaces an earlier one", "[tls_stream]") {
    error_code ec;
    std::string got;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            s.expires_after(100ms);
            s.expires_after(2s); // the armed 100 ms wait must not end the read
            std::array<char, 64> buf;
            auto n = co_await s.async_read_some(asio::buffer(buf), ec_token(ec));
            got.assign(buf.data(), n);
        },
        [&](ClientTls& c) -> Task<void> {
            co_await pause(c.get_executor(), 400ms);
            co_await asio::async_write(c, asio::buffer(std::string_view("still here")), asio::use_awaitable);
        });
    CHECK_FALSE(ec);
    CHECK(got == "still here");
}

TEST_CASE("TlsStream: close_notify is eof, a bare TCP close is stream_truncated", "[tls_stream]") {
    error_code clean, abrupt;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            std::array<char, 64> buf;
            co_await s.async_read_some(asio::buffer(buf), ec_token(clean));
        },
        [&](ClientTls& c) -> Task<void> {
            error_code ec;
            co_await c.async_shutdown(ec_token(ec)); // sends close_notify, waits for the server's
        });
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            std::array<char, 64> buf;
            co_await s.async_read_some(asio::buffer(buf), ec_token(abrupt));
        },
        [&](ClientTls& c) -> Task<void> {
            c.next_layer().shutdown(tcp::socket::shutdown_send); // FIN, no close_notify
            std::array<char, 4096> buf; // read on, so closing later sends no RST
            error_code ec;
            while (!ec) co_await c.next_layer().async_read_some(asio::buffer(buf), ec_token(ec));
        });
    CHECK(clean == asio::error::eof);
    CHECK(abrupt == asio::ssl::error::stream_truncated);
}

TEST_CASE("TlsStream: the server's shutdown sends close_notify and waits for the peer's", "[tls_stream]") {
    error_code server_shutdown, client_read;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            s.expires_after(5s);
            co_await s.async_shutdown(ec_token(server_shutdown));
        },
        [&](ClientTls& c) -> Task<void> {
            std::array<char, 64> buf;
            co_await c.async_read_some(asio::buffer(buf), ec_token(client_read));
            error_code ec;
            co_await c.async_shutdown(ec_token(ec));
        });
    CHECK(client_read == asio::error::eof);
    CHECK_FALSE(server_shutdown);
}

TEST_CASE("TlsStream: a read and a write pending at once both complete (a tunnel)", "[tls_stream]") {
    using namespace asio::experimental::awaitable_operators;
    const std::string up = pattern(3 << 20), down = pattern(5 << 20);
    std::string server_got, client_got;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            auto reader = [&]() -> Task<void> {
                std::array<char, 16384> buf;
                while (server_got.size() < up.size())
                    server_got.append(buf.data(), co_await s.async_read_some(asio::buffer(buf), asio::use_awaitable));
            };
            auto writer = [&]() -> Task<void> { co_await asio::async_write(s, asio::buffer(down), asio::use_awaitable); };
            co_await (reader() && writer());
        },
        [&](ClientTls& c) -> Task<void> {
            auto reader = [&]() -> Task<void> {
                std::array<char, 16384> buf;
                while (client_got.size() < down.size())
                    client_got.append(buf.data(), co_await c.async_read_some(asio::buffer(buf), asio::use_awaitable));
            };
            auto writer = [&]() -> Task<void> { co_await asio::async_write(c, asio::buffer(up), asio::use_awaitable); };
            co_await (reader() && writer());
        });
    CHECK(server_got == up);
    CHECK(client_got == down);
}

TEST_CASE("TlsStream: a client that does not speak TLS fails the handshake with an OpenSSL error", "[tls_stream]") {
    error_code ec;
    run_pair(
        [&](TlsStream& s) -> Task<void> { co_await s.async_handshake(ec_token(ec)); },
        [&](ClientTls& c) -> Task<void> {
            co_await asio::async_write(c.next_layer(), asio::buffer(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
                                       asio::use_awaitable);
            std::array<char, 64> buf;
            error_code read_ec;
            co_await c.next_layer().async_read_some(asio::buffer(buf), ec_token(read_ec));
        },
        false);
    REQUIRE(ec);
    CHECK(ec.category() == asio::error::get_ssl_category());
}

TEST_CASE("TlsStream: cancel ends a pending read with operation_aborted", "[tls_stream]") {
    error_code ec;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            asio::steady_timer later(s.get_executor());
            later.expires_after(100ms);
            later.async_wait([&](error_code) { s.cancel(); });
            std::array<char, 64> buf;
            co_await s.async_read_some(asio::buffer(buf), ec_token(ec));
        },
        [&](ClientTls& c) -> Task<void> {
            co_await pause(c.get_executor(), 300ms);
        });
    CHECK(ec == asio::error::operation_aborted);
}

TEST_CASE("TlsStream: once its socket is closed (a tunnel's end) nothing touches the old fd number", "[tls_stream]") {
    error_code read_ec, write_ec, shutdown_ec;
    std::string client_saw;
    run_pair(
        [&](TlsStream& s) -> Task<void> {
            co_await s.async_handshake(asio::use_awaitable);
            s.socket().close();
            // The lowest free fd number is taken at once by another socket.
            tcp::socket other(s.get_executor());
            other.open(tcp::v4());
            std::array<char, 64> buf;
            co_await s.async_read_some(asio::buffer(buf), ec_token(read_ec));
            co_await s.async_write_some(asio::buffer(std::string_view("leak")), ec_token(write_ec));
            s.expires_after(1s);
            co_await s.async_shutdown(ec_token(shutdown_ec));
        },
        [&](ClientTls& c) -> Task<void> {
            std::array<char, 64> buf;
            error_code ec;
            auto n = co_await c.async_read_some(asio::buffer(buf), ec_token(ec));
            client_saw.assign(buf.data(), n);
        });
    CHECK(read_ec == asio::error::bad_descriptor);
    CHECK(write_ec == asio::error::bad_descriptor);
    CHECK(shutdown_ec);
    CHECK(client_saw.empty());
}
