// The accept loop of every listener (terminals, enrollment, admin): accept; on an accept
// error (e.g. out of descriptors) pause 100 ms instead of spinning; admit the connection
// through the listener's limits — over a limit the socket is closed at once, before any
// TLS work (connection_limits.hpp) — and hand it with its slot to the listener. Ends when
// the acceptor is closed or the listener says it is stopping (the drain).
#pragma once

#include "gateway/listener/connection_limits.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>

namespace sekisho::gateway {

struct AcceptLoop {
    ConnectionLimits* limits = nullptr; // none: every connection is served
    // Starts serving an admitted connection (co_spawn) and returns at once.
    std::function<void(boost::asio::ip::tcp::socket, ConnectionLimits::Slot)> serve;
    // Optional: true once the listener stops taking connections, beyond a closed acceptor.
    std::function<bool()> stopping;
    // Optional: an accept that failed, told before the pause (the main listener logs it).
    std::function<void(const boost::system::error_code&)> on_error;
    // Optional: where the next socket lives (the main listener spreads them over its
    // workers); the acceptor's executor when empty.
    std::function<boost::asio::any_io_executor()> socket_executor;
};

boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, AcceptLoop loop);

} // namespace sekisho::gateway
