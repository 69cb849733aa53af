// One connection to Redis, plain TCP or TLS, with a deadline on every exchange: when the
// deadline passes, the socket is closed and the exchange fails — a Redis that stopped
// answering costs a bounded wait, never a hung request. Logs in with AUTH (ACL user and
// password) before it is handed out.
//
// Concurrency: not thread-safe. Create and use it on one strand (redis_client.hpp keeps every
// connection on its own strand); one exchange at a time.
#pragma once

#include "session/redis/resp.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sekisho::session::redis {

using Milliseconds = std::chrono::milliseconds;

// Where Redis is and how to log in; the password is the file's content, never the file name.
struct Endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    int database = 0;
    std::string username; // empty: the default user
    std::string password; // empty: no AUTH
    bool tls = false;
    std::string ca_file;     // verifies the server's certificate (required with tls)
    std::string server_name; // the name the certificate must carry; empty: host
    std::string cert_file, key_file; // a client certificate when Redis asks for one
    Milliseconds connect_timeout{2000};
    Milliseconds command_timeout{1000};

    std::string describe() const; // "rediss://host:port/db" — never a password
};

// The TLS context for endpoint (TLS 1.2 at least, peer verified against ca_file, the name
// checked); nullptr without tls. Throws std::runtime_error naming the file that failed.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const Endpoint& endpoint);

class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Executor = boost::asio::any_io_executor;

    // Connected, TLS-handshaken and logged in within endpoint.connect_timeout; throws
    // StoreUnavailable (session_store.hpp) saying why not.
    static boost::asio::awaitable<std::shared_ptr<Connection>>
    open(Executor strand, const Endpoint& endpoint, std::shared_ptr<boost::asio::ssl::context> tls);

    // Sends argv and reads its reply within timeout. An error reply is returned as such;
    // a transport failure or timeout throws StoreUnavailable and leaves broken() true.
    boost::asio::awaitable<Reply> command(std::vector<std::string> argv, Milliseconds timeout);
    // Sends without reading (pub/sub), and reads one reply (timeout 0: none).
    boost::asio::awaitable<void> send(std::vector<std::string> argv, Milliseconds timeout);
    boost::asio::awaitable<Reply> receive(Milliseconds timeout);

    bool broken() const { return broken_; }
    // For an idle connection: false when the server closed it or sent something unasked
    // (a restarted Redis), found without a round trip, so that a pooled connection that
    // died while idle is never handed to a request.
    bool sound();
    void close();

    Connection(Executor strand, const Endpoint& endpoint, std::shared_ptr<boost::asio::ssl::context> tls);

private:
    boost::asio::awaitable<void> connect(Milliseconds timeout);
    void arm(Milliseconds timeout);
    void disarm();
    [[noreturn]] void fail(const std::string& what);

    Endpoint endpoint_;
    std::shared_ptr<boost::asio::ssl::context> tls_context_;
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
    boost::asio::steady_timer deadline_;
    ReplyReader reader_;
    std::uint64_t generation_ = 0, armed_ = 0;
    bool timed_out_ = false;
    bool broken_ = false;
};

} // namespace sekisho::session::redis
