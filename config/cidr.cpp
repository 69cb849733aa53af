// Address ranges (Cidr) for proxy_protocol.trusted: parsed with inet_pton, the libc's strict
// reading (no octal, no short forms like "10.1"), and matched bytewise.
#include "config/values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace sekisho::config {

bool Cidr::contains(std::span<const std::uint8_t> address) const {
    if (address.size() != (ipv6 ? 16u : 4u)) return false;
    const unsigned whole = prefix / 8, rest = prefix % 8;
    if (!std::equal(address.begin(), address.begin() + whole, network.begin())) return false;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (address[whole] & mask) == network[whole];
}

} // namespace sekisho::config

namespace sekisho::config::detail {
namespace {

// `network` with every bit after the prefix cleared: the range's first address.
std::array<std::uint8_t, 16> first_address(const Cidr& cidr) {
    auto bytes = cidr.network;
    for (unsigned i = 0; i < bytes.size(); ++i) {
        const unsigned kept = cidr.prefix > i * 8 ? std::min(8u, cidr.prefix - i * 8) : 0;
        bytes[i] &= static_cast<std::uint8_t>(kept == 0 ? 0 : 0xFF << (8 - kept));
    }
    return bytes;
}

std::string address_text(const std::array<std::uint8_t, 16>& bytes, bool ipv6) {
    char text[INET6_ADDRSTRLEN];
    inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    return text;
}

} // namespace

std::optional<Cidr> parse_cidr(std::string_view text, std::string& error) {
    constexpr std::string_view example = "e.g. 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32";
    Cidr out;
    out.text = std::string(text);
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    out.ipv6 = address.find(':') != std::string::npos;
    if (inet_pton(out.ipv6 ? AF_INET6 : AF_INET, address.c_str(), out.network.data()) != 1) {
        error = "'" + address + "' is not an IPv4 or IPv6 address (" + std::string(example) + ")";
        return std::nullopt;
    }
    const unsigned max_prefix = out.ipv6 ? 128 : 32;
    out.prefix = max_prefix;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        std::string ignored;
        const auto prefix = parse_unsigned(digits, max_prefix, ignored);
        if (!prefix || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
            error = "the prefix length after '/' must be a number from 1 to " + std::to_string(max_prefix);
            return std::nullopt;
        }
        out.prefix = static_cast<unsigned>(*prefix);
    }
    if (out.prefix == 0) {
        error = "/0 trusts every address: anyone could then claim any client address; name the balancers' "
                "addresses instead";
        return std::nullopt;
    }
    if (const auto first = first_address(out); first != out.network) {
        error = "has bits set after the first " + std::to_string(out.prefix) + " (did you mean " +
                address_text(first, out.ipv6) + "/" + std::to_string(out.prefix) + "?)";
        return std::nullopt;
    }
    return out;
}

} // namespace sekisho::config::detail
