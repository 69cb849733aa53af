// The PROXY protocol in front of a listener (proxy_protocol.*, off by default): what the
// accept loop does with a connection before any TLS when a balancer in TCP mode sits in
// front. Two steps, each refusing with the socket closed, a count in /metrics
// (sekisho_proxy_protocol_refused_total{listener,reason}) and a warning logged once per
// source and reason a window (refusal_records.hpp):
//
//  1. trusted_balancer(): the connection's real peer must lie in proxy_protocol.trusted,
//     checked before a byte is read — anyone else could claim any client address.
//  2. read_proxy_header(): the header is mandatory, read within the deadline and exactly to
//     its last byte, so the TLS bytes behind it stay in the socket for the handshake.
//
// The result is the connection's client — the header's source, or the balancer itself for a
// header that names none (LOCAL health checks, UNKNOWN) — which the listener then uses for
// everything: connection limits, logs, audit, login counters, X-Forwarded-For.
#pragma once

#include "config/config.hpp"
#include "gateway/listener/peer_address.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::gateway {

enum class ProxyRefusal {
    untrusted_source, // the peer is not in proxy_protocol.trusted
    missing,          // the connection began with something else, or ended before a byte
    malformed,        // a header that breaks the spec, a CRC32C mismatch, or one cut short
    timeout,          // not complete within proxy_protocol.timeout
    count_
};
std::string_view to_string(ProxyRefusal r);

// One listener's refusals, for /metrics. Thread-safe.
class ProxyProtocolCounters {
public:
    explicit ProxyProtocolCounters(std::string listener) : listener_(std::move(listener)) {}
    void refused(ProxyRefusal r) { refused_[static_cast<std::size_t>(r)]++; }
    std::uint64_t refused_count(ProxyRefusal r) const { return refused_[static_cast<std::size_t>(r)].load(); }
    const std::string& listener() const { return listener_; }

private:
    const std::string listener_;
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(ProxyRefusal::count_)> refused_{};
};

// "# TYPE" and sample lines of sekisho_proxy_protocol_refused_total, appended to out.
void render_proxy_protocol_refusals(std::string& out, std::initializer_list<const ProxyProtocolCounters*> listeners);

// Whether the socket's peer may send a header; an IPv4-mapped IPv6 peer (a dual-stack
// listener) is matched as the IPv4 address it is. A refusal is counted and logged here.
bool trusted_balancer(const Peer& peer, const config::ProxyProtocolConfig& settings, ProxyProtocolCounters& counters);

// Reads the header off socket within timeout (a deadline for the whole header). The
// client on success, the socket given back with the bytes after the header unread;
// nullopt when refused: counted, logged, and the socket closed.
boost::asio::awaitable<std::optional<Peer>> read_proxy_header(boost::asio::ip::tcp::socket& socket,
                                                              Peer balancer,
                                                              std::chrono::steady_clock::duration timeout,
                                                              ProxyProtocolCounters& counters);

} // namespace sekisho::gateway
