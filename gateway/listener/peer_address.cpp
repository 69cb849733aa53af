#include "gateway/listener/peer_address.hpp"

#include <span>

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

bool in_ranges(const Peer& peer, const std::vector<config::Cidr>& ranges) {
    namespace ip = boost::asio::ip;
    ip::address address = peer.ip;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    const auto v4 = address.is_v4() ? address.to_v4().to_bytes() : ip::address_v4::bytes_type{};
    const auto v6 = address.is_v6() ? address.to_v6().to_bytes() : ip::address_v6::bytes_type{};
    const std::span<const std::uint8_t> bytes = address.is_v4() ? std::span<const std::uint8_t>(v4)
                                                                : std::span<const std::uint8_t>(v6);
    for (const auto& range : ranges)
        if (range.contains(bytes)) return true;
    return false;
}

} // namespace sekisho::gateway
