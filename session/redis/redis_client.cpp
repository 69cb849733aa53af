#include "session/redis/redis_client.hpp"

#include "codec/hex.hpp"
#include "session/session_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/evp.h>

namespace sekisho::session::redis {

namespace asio = boost::asio;
using asio::use_awaitable;

namespace {

constexpr auto kRetryAfterFailedConnect = std::chrono::milliseconds(500);

std::string sha1_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("OpenSSL cannot compute SHA-1 (a broken install)");
    return codec::to_lower_hex(digest, n);
}

} // namespace

Script::Script(std::string text) : source(std::move(text)), sha1(sha1_hex(source)) {}

struct Client::Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    bool woken = false;
};

Client::Client(asio::any_io_executor executor, Endpoint endpoint, std::size_t max_connections)
    : endpoint_(std::move(endpoint)), tls_(make_tls_context(endpoint_)), strand_(asio::make_strand(executor)),
      max_connections_(std::max<std::size_t>(1, max_connections)) {}

Client::~Client() {
    for (auto& c : idle_) c->close();
}

void Client::close_idle() {
    asio::post(strand_, [this] {
        for (auto& c : idle_) c->close();
        open_ -= idle_.size();
        idle_.clear();
    });
}

asio::awaitable<std::shared_ptr<Connection>> Client::take() {
    for (;;) {
        while (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            if (conn->sound()) co_return conn;
            --open_; // closed by the server while idle (a restart): never handed out
        }
        if (open_ < max_connections_) {
            if (std::chrono::steady_clock::now() < down_until_) throw StoreUnavailable(last_failure_);
            ++open_;
            try {
                auto op = Connection::open(strand_, endpoint_, tls_);
                co_return co_await std::move(op);
            } catch (const StoreUnavailable& e) {
                --open_;
                down_until_ = std::chrono::steady_clock::now() + kRetryAfterFailedConnect;
                last_failure_ = e.what();
                throw;
            }
        }
        auto waiter = std::make_shared<Waiter>(strand_);
        waiter->timer.expires_after(endpoint_.command_timeout);
        waiters_.push_back(waiter);
        boost::system::error_code ec;
        co_await waiter->timer.async_wait(asio::redirect_error(use_awaitable, ec));
        if (!waiter->woken) {
            std::erase(waiters_, waiter);
            throw StoreUnavailable("Redis at " + endpoint_.describe() + ": all " + std::to_string(max_connections_) +
                                   " connections stayed busy");
        }
    }
}

void Client::give_back(std::shared_ptr<Connection> conn) {
    if (conn->broken())
        --open_;
    else
        idle_.push_back(std::move(conn));
    if (!waiters_.empty()) {
        auto next = std::move(waiters_.front());
        waiters_.pop_front();
        next->woken = true;
        next->timer.cancel();
    }
}

asio::awaitable<Reply> Client::run(std::vector<std::string> argv) {
    auto taking = take();
    auto conn = co_await std::move(taking);
    std::optional<Reply> reply;
    std::string failure;
    try {
        auto op = conn->command(std::move(argv), endpoint_.command_timeout);
        reply = co_await std::move(op);
    } catch (const StoreUnavailable& e) {
        failure = e.what();
    }
    give_back(std::move(conn));
    if (!reply) throw StoreUnavailable(failure);
    co_return std::move(*reply);
}

asio::awaitable<Reply> Client::command(std::vector<std::string> argv) {
    const std::string name = argv.empty() ? std::string() : argv.front();
    auto op = asio::co_spawn(strand_, run(std::move(argv)), use_awaitable);
    Reply reply = co_await std::move(op);
    if (reply.is_error())
        throw StoreUnavailable("Redis at " + endpoint_.describe() + " answered " + name + " with: " + reply.text);
    co_return reply;
}

asio::awaitable<Reply> Client::run_script(const Script& script, std::vector<std::string> keys,
                                          std::vector<std::string> args) {
    std::vector<std::string> argv{"EVALSHA", script.sha1, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto op = asio::co_spawn(strand_, run(argv), use_awaitable);
    Reply reply = co_await std::move(op);
    if (reply.is_error() && reply.text.starts_with("NOSCRIPT")) {
        argv[0] = "EVAL";
        argv[1] = script.source;
        auto again = asio::co_spawn(strand_, run(std::move(argv)), use_awaitable);
        reply = co_await std::move(again);
    }
    if (reply.is_error())
        throw StoreUnavailable("Redis at " + endpoint_.describe() + " failed a script: " + reply.text);
    co_return reply;
}

} // namespace sekisho::session::redis
