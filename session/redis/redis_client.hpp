// A small pool of Redis connections for the session store and the login counters. Every
// connection, and the pool itself, lives on one strand, so nothing here needs a lock; callers
// on any executor co_await command() and are resumed on their own.
//
// Failure is fast and bounded: a command waits at most command_timeout for its answer (and
// as long again for a free connection); after a failed connect, commands fail at once for
// half a second instead of each trying again, so an outage costs no queue. Every failure is
// a StoreUnavailable (session_store.hpp) whose message names the endpoint, never a secret.
#pragma once

#include "session/redis/redis_connection.hpp"

#include <boost/asio/strand.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace sekisho::session::redis {

// A Lua script run with EVALSHA (sent in full once per server, when it answers NOSCRIPT).
struct Script {
    explicit Script(std::string source);
    std::string source;
    std::string sha1; // lower-case hex, as SCRIPT LOAD answers
};

class Client {
public:
    Client(boost::asio::any_io_executor executor, Endpoint endpoint, std::size_t max_connections);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // argv's reply; an error reply, a transport failure or a timeout throws StoreUnavailable.
    boost::asio::awaitable<Reply> command(std::vector<std::string> argv);
    boost::asio::awaitable<Reply> run_script(const Script& script, std::vector<std::string> keys,
                                             std::vector<std::string> args);

    const Endpoint& endpoint() const { return endpoint_; }
    const std::shared_ptr<boost::asio::ssl::context>& tls_context() const { return tls_; }
    boost::asio::strand<boost::asio::any_io_executor> strand() const { return strand_; }

    // Closes the idle connections; commands after it still work (they reconnect).
    void close_idle();

private:
    struct Waiter;
    boost::asio::awaitable<Reply> run(std::vector<std::string> argv);
    boost::asio::awaitable<std::shared_ptr<Connection>> take();
    void give_back(std::shared_ptr<Connection> conn);

    Endpoint endpoint_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    boost::asio::strand<boost::asio::any_io_executor> strand_;
    std::size_t max_connections_;
    // On strand_ only:
    std::vector<std::shared_ptr<Connection>> idle_;
    std::size_t open_ = 0;
    std::deque<std::shared_ptr<Waiter>> waiters_;
    std::chrono::steady_clock::time_point down_until_{};
    std::string last_failure_;
};

} // namespace sekisho::session::redis
