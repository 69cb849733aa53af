#include "gateway/listener/peer_address.hpp"

namespace sekisho::gateway {

// IPv6 in brackets, so that the port stays apart from the address (source_address() in
// refusal_records.hpp relies on it to key a source without its port).
Peer peer_of(const boost::asio::ip::tcp::endpoint& endpoint) {
    auto address = endpoint.address().to_string();
    auto port = ":" + std::to_string(endpoint.port());
    auto text = endpoint.address().is_v6() ? "[" + address + "]" + port : address + port;
    return Peer{std::move(address), std::move(text), endpoint.address()};
}

std::optional<Peer> peer_of(const boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return std::nullopt;
    return peer_of(remote);
}

} // namespace sekisho::gateway
