#include "session/redis/redis_connection.hpp"

#include "session/session_store.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cerrno>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace sekisho::session::redis {

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

// A plain connection still has an ssl::stream around its socket (one type for both); this
// context only gives it an SSL object that is never used.
asio::ssl::context& unused_tls_context() {
    static asio::ssl::context context(asio::ssl::context::tls_client);
    return context;
}

} // namespace

std::string Endpoint::describe() const {
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(tls ? "rediss://" : "redis://") + (username.empty() ? "" : username + "@") +
           (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(database);
}

std::shared_ptr<asio::ssl::context> make_tls_context(const Endpoint& endpoint) {
    if (!endpoint.tls) return nullptr;
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    const auto load = [&](const std::string& what, const std::string& file, auto&& action) {
        try {
            action();
        } catch (const std::exception& e) {
            throw std::runtime_error(what + " " + file + ": " + e.what());
        }
    };
    load("tls.ca", endpoint.ca_file, [&] { ctx->load_verify_file(endpoint.ca_file); });
    if (!endpoint.cert_file.empty()) {
        load("tls.certificate", endpoint.cert_file, [&] { ctx->use_certificate_chain_file(endpoint.cert_file); });
        load("tls.key", endpoint.key_file, [&] { ctx->use_private_key_file(endpoint.key_file, asio::ssl::context::pem); });
    }
    ctx->set_verify_mode(asio::ssl::verify_peer);
    return ctx;
}

Connection::Connection(Executor strand, const Endpoint& endpoint, std::shared_ptr<asio::ssl::context> tls)
    : endpoint_(endpoint), tls_context_(tls),
      stream_(strand, tls ? *tls : unused_tls_context()),
      deadline_(strand) {}

void Connection::fail(const std::string& what) {
    broken_ = true;
    boost::system::error_code ignored;
    stream_.next_layer().close(ignored);
    throw StoreUnavailable("Redis at " + endpoint_.describe() + ": " +
                           (timed_out_ ? "no answer in time" : what));
}

void Connection::arm(Milliseconds timeout) {
    timed_out_ = false;
    armed_ = ++generation_;
    if (timeout.count() <= 0) return;
    deadline_.expires_after(timeout);
    // The generation tells a deadline that expired just as the exchange ended (its handler
    // already queued when disarm() ran) from the one it was armed for.
    deadline_.async_wait([self = shared_from_this(), generation = armed_](boost::system::error_code ec) {
        if (ec || self->armed_ != generation) return;
        self->timed_out_ = true;
        boost::system::error_code ignored;
        self->stream_.next_layer().close(ignored);
    });
}

void Connection::disarm() {
    armed_ = 0;
    deadline_.cancel();
}

bool Connection::sound() {
    if (broken_) return false;
    char byte = 0;
    const ssize_t n = ::recv(stream_.next_layer().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    close();
    return false;
}

void Connection::close() {
    broken_ = true;
    disarm();
    boost::system::error_code ignored;
    stream_.next_layer().close(ignored);
}

asio::awaitable<void> Connection::connect(Milliseconds timeout) {
    arm(timeout);
    try {
        tcp::resolver resolver(deadline_.get_executor());
        const std::string port = std::to_string(endpoint_.port);
        const auto found =
            co_await resolver.async_resolve(endpoint_.host, port, tcp::resolver::numeric_service, use_awaitable);
        co_await asio::async_connect(stream_.next_layer(), found, use_awaitable);
        stream_.next_layer().set_option(tcp::no_delay(true));
        stream_.next_layer().set_option(asio::socket_base::keep_alive(true));
        // A peer gone without a word (a partition, a failover behind NAT) is noticed in about
        // half a minute, not the system's two hours: it matters most for the pub/sub link,
        // which otherwise only ever reads.
        const int fd = stream_.next_layer().native_handle();
        const int idle = 10, interval = 5, count = 3;
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
        ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
        if (endpoint_.tls) {
            const std::string& name = endpoint_.server_name.empty() ? endpoint_.host : endpoint_.server_name;
            SSL_set_tlsext_host_name(stream_.native_handle(), name.c_str());
            stream_.set_verify_callback(asio::ssl::host_name_verification(name));
            co_await stream_.async_handshake(asio::ssl::stream_base::client, use_awaitable);
        }
    } catch (const boost::system::system_error& e) {
        disarm();
        fail(e.code().message());
    }
    disarm();
}

asio::awaitable<std::shared_ptr<Connection>> Connection::open(Executor strand, const Endpoint& endpoint,
                                                             std::shared_ptr<asio::ssl::context> tls) {
    // One deadline for all of it: connect, TLS, AUTH, SELECT, SETNAME.
    const auto deadline = std::chrono::steady_clock::now() + endpoint.connect_timeout;
    const auto remaining = [&] {
        return std::max(Milliseconds(1), std::chrono::duration_cast<Milliseconds>(
                                             deadline - std::chrono::steady_clock::now()));
    };
    auto conn = std::make_shared<Connection>(strand, endpoint, tls);
    auto connecting = conn->connect(endpoint.connect_timeout);
    co_await std::move(connecting);
    std::vector<std::vector<std::string>> hello;
    if (!endpoint.password.empty()) {
        if (endpoint.username.empty())
            hello.push_back({"AUTH", endpoint.password});
        else
            hello.push_back({"AUTH", endpoint.username, endpoint.password});
    }
    if (endpoint.database != 0) hello.push_back({"SELECT", std::to_string(endpoint.database)});
    hello.push_back({"CLIENT", "SETNAME", "sekisho"});
    for (auto& argv : hello) {
        const bool auth = argv.front() == "AUTH";
        auto op = conn->command(std::move(argv), remaining());
        const Reply reply = co_await std::move(op);
        // Redis's own words ("WRONGPASS invalid username-password pair", "NOPERM ...") name
        // no secret; a failed AUTH is a configuration problem the operator must see.
        if (reply.is_error()) {
            conn->close();
            throw StoreUnavailable("Redis at " + endpoint.describe() + (auth ? " refused the login: " : ": ") +
                                   reply.text);
        }
    }
    co_return conn;
}

asio::awaitable<void> Connection::send(std::vector<std::string> argv, Milliseconds timeout) {
    if (broken_) fail("connection already closed");
    const std::string bytes = format_command(argv);
    arm(timeout);
    try {
        if (endpoint_.tls)
            co_await asio::async_write(stream_, asio::buffer(bytes), use_awaitable);
        else
            co_await asio::async_write(stream_.next_layer(), asio::buffer(bytes), use_awaitable);
    } catch (const boost::system::system_error& e) {
        disarm();
        fail(e.code().message());
    }
    disarm();
}

asio::awaitable<Reply> Connection::receive(Milliseconds timeout) {
    if (broken_) fail("connection already closed");
    arm(timeout);
    std::array<char, 16384> buffer;
    try {
        for (;;) {
            if (auto reply = reader_.next()) {
                disarm();
                co_return std::move(*reply);
            }
            const std::size_t n = endpoint_.tls
                                      ? co_await stream_.async_read_some(asio::buffer(buffer), use_awaitable)
                                      : co_await stream_.next_layer().async_read_some(asio::buffer(buffer), use_awaitable);
            reader_.feed(std::string_view(buffer.data(), n));
        }
    } catch (const boost::system::system_error& e) {
        disarm();
        fail(e.code().message());
    } catch (const ProtocolError& e) {
        disarm();
        fail(e.what());
    }
}

asio::awaitable<Reply> Connection::command(std::vector<std::string> argv, Milliseconds timeout) {
    auto sending = send(std::move(argv), timeout);
    co_await std::move(sending);
    auto receiving = receive(timeout);
    co_return co_await std::move(receiving);
}

} // namespace sekisho::session::redis
