// Where a connection comes from, in the two spellings the gateway uses: the address alone
// (what connection limits, login counters, sessions and X-Forwarded-For key on) and address
// with port (what log lines name). Made here only: the accept loop of every listener asks
// once per connection and hands the Peer on — the socket's peer, or with the PROXY protocol
// on, the client the balancer's header names (proxy_gate.hpp). Nothing else asks a socket.
#pragma once

#include "config/config.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sekisho::gateway {

struct Peer {
    std::string address;  // "192.0.2.7", "2001:db8::7"
    std::string endpoint; // "192.0.2.7:51234", "[2001:db8::7]:51234"
    boost::asio::ip::address ip; // the address, for matching against ranges
};

// An endpoint in both spellings.
Peer peer_of(const boost::asio::ip::tcp::endpoint& endpoint);

// Whether peer's address lies in one of ranges (an IPv4-mapped IPv6 address as IPv4).
bool in_ranges(const Peer& peer, const std::vector<config::Cidr>& ranges);

// The peer of an accepted socket; nullopt when it is gone already (reset before we asked).
std::optional<Peer> peer_of(const boost::asio::ip::tcp::socket& socket);

} // namespace sekisho::gateway
