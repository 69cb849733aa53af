#include "gateway/listener/proxy_gate.hpp"

#include "gateway/events/refusal_records.hpp"
#include "gateway/listener/proxy_protocol.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace sekisho::gateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ip = asio::ip;

void refuse(ProxyProtocolCounters& counters, ProxyRefusal reason, const Peer& balancer, std::string_view detail) {
    counters.refused(reason);
    const std::string kind = counters.listener() + "/proxy_" + std::string(to_string(reason));
    log_refusal(spdlog::level::warn, "proxy_protocol.refused", kind, balancer.endpoint,
                {{"listener", counters.listener()},
                 {"reason", to_string(reason)},
                 {"peer", balancer.endpoint},
                 {"detail", detail}});
}

// A read that failed: timed out, or the connection ended (or broke) before the header did.
void refuse_read(ProxyProtocolCounters& counters, const boost::system::error_code& ec, std::size_t received,
                 std::chrono::steady_clock::duration timeout, const Peer& balancer) {
    if (ec == beast::error::timeout) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
        refuse(counters, ProxyRefusal::timeout, balancer,
               "no complete PROXY header within " + std::to_string(seconds) + "s (proxy_protocol.timeout)");
        return;
    }
    const std::string how = ec == asio::error::eof ? "the connection ended" : "the connection failed (" + ec.message() + ")";
    refuse(counters, received == 0 ? ProxyRefusal::missing : ProxyRefusal::malformed, balancer,
           how + " after " + std::to_string(received) + " bytes, before a complete PROXY header");
}

Peer client_of(const proxy_protocol::Header& header, const Peer& balancer, const ProxyProtocolCounters& counters) {
    Peer client = header.source ? peer_of(*header.source) : balancer;
    log_event(spdlog::level::debug, "proxy_protocol.accepted",
              {{"listener", counters.listener()},
               {"peer", client.endpoint},
               {"via", balancer.endpoint},
               {"version", header.version == 1 ? "1" : "2"},
               {"command", header.command == proxy_protocol::Command::proxy ? "proxy" : "local"},
               {"crc32c", header.crc_checked ? "checked" : "absent"}});
    return client;
}

} // namespace

std::string_view to_string(ProxyRefusal r) {
    switch (r) {
    case ProxyRefusal::untrusted_source: return "untrusted_source";
    case ProxyRefusal::missing: return "missing";
    case ProxyRefusal::malformed: return "malformed";
    case ProxyRefusal::timeout: return "timeout";
    case ProxyRefusal::count_: break;
    }
    return "unknown";
}

void render_proxy_protocol_refusals(std::string& out, std::initializer_list<const ProxyProtocolCounters*> listeners) {
    out += "# HELP sekisho_proxy_protocol_refused_total Connections closed before TLS by the PROXY protocol "
           "check, by listener and reason.\n"
           "# TYPE sekisho_proxy_protocol_refused_total counter\n";
    for (const auto* l : listeners) {
        if (!l) continue;
        for (std::size_t i = 0; i < static_cast<std::size_t>(ProxyRefusal::count_); ++i) {
            const auto reason = static_cast<ProxyRefusal>(i);
            out += "sekisho_proxy_protocol_refused_total{listener=\"" + l->listener() + "\",reason=\"" +
                   std::string(to_string(reason)) + "\"} " + std::to_string(l->refused_count(reason)) + "\n";
        }
    }
}

bool trusted_balancer(const Peer& peer, const config::ProxyProtocolConfig& settings, ProxyProtocolCounters& counters) {
    if (in_ranges(peer, settings.trusted)) return true;
    refuse(counters, ProxyRefusal::untrusted_source, peer,
           "this address is not in proxy_protocol.trusted: only the balancers named there may connect");
    return false;
}

asio::awaitable<std::optional<Peer>> read_proxy_header(ip::tcp::socket& socket, Peer balancer,
                                                       std::chrono::steady_clock::duration timeout,
                                                       ProxyProtocolCounters& counters) {
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(timeout);
    // parse() never asks for more than its own bounds, so this holds any header it accepts.
    std::array<std::uint8_t, proxy_protocol::kV2FixedLength + proxy_protocol::kMaxV2Payload> buffer;
    std::size_t have = 0;
    for (;;) {
        auto result = proxy_protocol::parse(std::span(buffer).first(have));
        if (const auto* header = std::get_if<proxy_protocol::Header>(&result)) {
            socket = stream.release_socket(); // the TLS bytes behind the header are still in it
            co_return client_of(*header, balancer, counters);
        }
        if (const auto* bad = std::get_if<proxy_protocol::Invalid>(&result)) {
            refuse(counters, bad->absent ? ProxyRefusal::missing : ProxyRefusal::malformed, balancer, bad->reason);
            co_return std::nullopt;
        }
        const std::size_t total = std::get<proxy_protocol::NeedMore>(result).total;
        boost::system::error_code ec;
        const std::size_t n = co_await asio::async_read(stream, asio::buffer(buffer.data() + have, total - have),
                                                        asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            refuse_read(counters, ec, have + n, timeout, balancer);
            co_return std::nullopt;
        }
        have = total;
    }
}

} // namespace sekisho::gateway
