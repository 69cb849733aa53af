// Where an accepted connection comes from, in the two spellings the gateway uses: the
// address alone (what connection limits, login counters and sessions key on) and address
// with port (what log lines name). The one place they are made for all three listeners.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>

namespace sekisho::gateway {

struct Peer {
    std::string address;  // "192.0.2.7"
    std::string endpoint; // "192.0.2.7:51234"
};

// The peer of an accepted socket; nullopt when it is gone already (reset before we asked).
std::optional<Peer> peer_of(const boost::asio::ip::tcp::socket& socket);

// The address alone, "-" when the peer is gone (admission, before anything else is done).
std::string peer_address(const boost::asio::ip::tcp::socket& socket);

} // namespace sekisho::gateway
