#include "gateway/listener/accept_loop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace sekisho::gateway {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

void close(tcp::socket& socket) {
    boost::system::error_code ec;
    socket.close(ec);
}

// A trusted balancer's connection: its header, then the client's own limits. The loop's
// settings are shared, for this may finish after the accept loop has ended.
asio::awaitable<void> admit_through_proxy(tcp::socket socket, Peer balancer, ConnectionLimits::Slot slot,
                                          std::chrono::steady_clock::duration timeout,
                                          std::shared_ptr<const AcceptLoop> loop) {
    auto client = co_await read_proxy_header(socket, balancer, timeout, *loop->proxy_counters);
    const bool admitted = client && !(loop->stopping && loop->stopping()) &&
                          (!loop->limits || loop->limits->attribute(slot, client->address));
    if (admitted) {
        loop->serve(std::move(socket), std::move(slot), std::move(*client));
    } else {
        close(socket);
    }
}

// One accepted socket: served, handed to the PROXY header reader, or closed.
void admit(tcp::socket socket, const std::shared_ptr<const AcceptLoop>& loop) {
    auto peer = peer_of(socket);
    if (!peer) { // reset before we asked: nobody to serve
        close(socket);
        return;
    }
    ConnectionLimits::Slot slot;
    const auto proxy = loop->proxy_protocol ? loop->proxy_protocol() : nullptr;
    if (proxy && proxy->enabled) {
        const bool admitted = trusted_balancer(*peer, *proxy, *loop->proxy_counters) && // before a byte is read
                              (!loop->limits || (slot = loop->limits->admit_unattributed(peer->address)));
        if (!admitted) {
            close(socket);
            return;
        }
        const auto executor = socket.get_executor();
        asio::co_spawn(executor,
                       admit_through_proxy(std::move(socket), std::move(*peer), std::move(slot), proxy->timeout, loop),
                       asio::detached);
        return;
    }
    if (loop->limits && !(slot = loop->limits->admit(peer->address))) { // over a limit: no TLS work at all
        close(socket);
        return;
    }
    loop->serve(std::move(socket), std::move(slot), std::move(*peer));
}

} // namespace

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, AcceptLoop settings) {
    const auto loop = std::make_shared<const AcceptLoop>(std::move(settings));
    for (;;) {
        boost::system::error_code ec;
        const auto executor = loop->socket_executor ? loop->socket_executor() : acceptor.get_executor();
        auto socket = co_await acceptor.async_accept(executor, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor.is_open() || (loop->stopping && loop->stopping()))
            co_return;
        if (ec) { // e.g. out of descriptors: back off instead of spinning
            if (loop->on_error) loop->on_error(ec);
            asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        admit(std::move(socket), loop);
    }
}

} // namespace sekisho::gateway
