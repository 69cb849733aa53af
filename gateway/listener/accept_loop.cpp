#include "gateway/listener/accept_loop.hpp"

#include "gateway/listener/peer_address.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace sekisho::gateway {

namespace asio = boost::asio;

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, AcceptLoop loop) {
    for (;;) {
        boost::system::error_code ec;
        const auto executor = loop.socket_executor ? loop.socket_executor() : acceptor.get_executor();
        auto socket = co_await acceptor.async_accept(executor, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor.is_open() || (loop.stopping && loop.stopping()))
            co_return;
        if (ec) { // e.g. out of descriptors: back off instead of spinning
            if (loop.on_error) loop.on_error(ec);
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        ConnectionLimits::Slot slot;
        if (loop.limits) {
            slot = loop.limits->admit(peer_address(socket));
            if (!slot) { // over the listener's limits: no TLS work at all
                socket.close(ec);
                continue;
            }
        }
        loop.serve(std::move(socket), std::move(slot));
    }
}

} // namespace sekisho::gateway
