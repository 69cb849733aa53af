// One connection in Redis's pub/sub mode, listening on a channel for as long as it lives:
// reconnects by itself a second after a failure, and says so (on_connected) each time it is
// subscribed again, since messages sent while it was away are lost.
#pragma once

#include "session/redis/redis_connection.hpp"

#include <functional>
#include <memory>
#include <string>

namespace sekisho::session::redis {

class Subscriber {
public:
    Subscriber(boost::asio::any_io_executor strand, Endpoint endpoint, std::shared_ptr<boost::asio::ssl::context> tls,
               std::string channel, std::function<void(const std::string&)> on_message,
               std::function<void()> on_connected);
    ~Subscriber(); // stops; no callback runs once it returns

private:
    struct State;
    static boost::asio::awaitable<void> listen(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace sekisho::session::redis
