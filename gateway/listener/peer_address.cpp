#include "gateway/listener/peer_address.hpp"

namespace sekisho::gateway {

std::optional<Peer> peer_of(const boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) return std::nullopt;
    auto address = remote.address().to_string();
    auto endpoint = address + ":" + std::to_string(remote.port());
    return Peer{std::move(address), std::move(endpoint)};
}

std::string peer_address(const boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    return ec ? std::string("-") : remote.address().to_string();
}

} // namespace sekisho::gateway
