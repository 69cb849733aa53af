// The accept loop of every listener (terminals, enrollment, admin): accept; on an accept
// error (e.g. out of descriptors) pause 100 ms instead of spinning; find out who the client
// is (peer_address.hpp); admit the connection through the listener's limits — over a limit
// the socket is closed at once, before any TLS work (connection_limits.hpp) — and hand it
// with its slot and its client to the listener. Ends when the acceptor is closed or the
// listener says it is stopping (the drain).
//
// With the PROXY protocol on (proxy_protocol.enabled), a peer outside proxy_protocol.trusted
// is closed at once; a trusted one is read for its header on a coroutine of its own, so a
// slow balancer never holds up the accepts, holding a place under the listener's total
// meanwhile; the header's client is then the one the per-source limit and the listener see
// (proxy_gate.hpp).
#pragma once

#include "config/config.hpp"
#include "gateway/listener/connection_limits.hpp"
#include "gateway/listener/peer_address.hpp"
#include "gateway/listener/proxy_gate.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

namespace sekisho::gateway {

struct AcceptLoop {
    ConnectionLimits* limits = nullptr; // none: every connection is served
    // Starts serving an admitted connection from client (co_spawn) and returns at once.
    // With the PROXY protocol it is called on the socket's executor once the header is
    // read, possibly after the loop itself has ended (a header that completes once
    // `stopping` says so is closed instead).
    std::function<void(boost::asio::ip::tcp::socket, ConnectionLimits::Slot, Peer client)> serve;
    // Optional: true once the listener stops taking connections, beyond a closed acceptor.
    std::function<bool()> stopping;
    // Optional: an accept that failed, told before the pause (the main listener logs it).
    std::function<void(const boost::system::error_code&)> on_error;
    // Optional: where the next socket lives (the main listener spreads them over its
    // workers); the acceptor's executor when empty.
    std::function<boost::asio::any_io_executor()> socket_executor;
    // Optional: the listener's proxy_protocol settings in force, asked at every accept (a
    // reload may switch them), and where its refusals are counted. Both or neither.
    std::function<std::shared_ptr<const config::ProxyProtocolConfig>()> proxy_protocol;
    ProxyProtocolCounters* proxy_counters = nullptr;
};

boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, AcceptLoop loop);

} // namespace sekisho::gateway
