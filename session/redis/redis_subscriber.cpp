#include "session/redis/redis_subscriber.hpp"

#include "session/session_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>

namespace sekisho::session::redis {

namespace asio = boost::asio;

struct Subscriber::State {
    asio::any_io_executor strand;
    Endpoint endpoint;
    std::shared_ptr<asio::ssl::context> tls;
    std::string channel;
    std::mutex mutex; // guards the callbacks and stopped against the destructor
    std::function<void(const std::string&)> on_message;
    std::function<void()> on_connected;
    bool stopped = false;
    std::shared_ptr<Connection> conn; // on strand
    asio::steady_timer pause;

    State(asio::any_io_executor s) : strand(s), pause(s) {}

    bool running() {
        std::lock_guard lock(mutex);
        return !stopped;
    }
};

asio::awaitable<void> Subscriber::listen(std::shared_ptr<Subscriber::State> st) {
    while (st->running()) {
        try {
            auto opening = Connection::open(st->strand, st->endpoint, st->tls);
            st->conn = co_await std::move(opening);
            std::vector<std::string> subscribe{"SUBSCRIBE", st->channel};
            auto sending = st->conn->send(std::move(subscribe), st->endpoint.command_timeout);
            co_await std::move(sending);
            auto confirming = st->conn->receive(st->endpoint.command_timeout);
            (void)co_await std::move(confirming);
            {
                std::lock_guard lock(st->mutex);
                if (st->stopped) break;
                if (st->on_connected) st->on_connected();
            }
            for (;;) {
                auto receiving = st->conn->receive(Milliseconds(0));
                const Reply r = co_await std::move(receiving);
                if (r.type != Reply::Type::array || r.elements.size() != 3 || r.elements[0].text != "message") continue;
                std::lock_guard lock(st->mutex);
                if (st->stopped) break;
                if (st->on_message) st->on_message(r.elements[2].text);
            }
        } catch (const std::exception&) {
            // Told by the commands that fail meanwhile; the local copies age out by themselves.
        }
        if (st->conn) st->conn->close();
        st->conn.reset();
        if (!st->running()) break;
        st->pause.expires_after(std::chrono::seconds(1));
        boost::system::error_code ec;
        co_await st->pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

Subscriber::Subscriber(asio::any_io_executor strand, Endpoint endpoint, std::shared_ptr<asio::ssl::context> tls,
                       std::string channel, std::function<void(const std::string&)> on_message,
                       std::function<void()> on_connected)
    : state_(std::make_shared<State>(strand)) {
    state_->endpoint = std::move(endpoint);
    state_->tls = std::move(tls);
    state_->channel = std::move(channel);
    state_->on_message = std::move(on_message);
    state_->on_connected = std::move(on_connected);
    asio::co_spawn(strand, listen(state_), asio::detached);
}

Subscriber::~Subscriber() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopped = true;
        state_->on_message = nullptr;
        state_->on_connected = nullptr;
    }
    asio::post(state_->strand, [st = state_] {
        if (st->conn) st->conn->close();
        st->pause.cancel();
    });
}

} // namespace sekisho::session::redis
