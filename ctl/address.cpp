#include "ctl/address.hpp"

#include <charconv>
#include <stdexcept>

namespace sekisho::ctl {
namespace {

std::uint16_t parse_port(const std::string& text, const std::string& whole) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        throw std::invalid_argument("'" + whole + "': port must be a number from 1 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

// host[:port] where host may be a bracketed IPv6 literal. port is empty when absent.
void split_authority(const std::string& text, std::string& host, std::string& port,
                     const std::string& whole) {
    if (!text.empty() && text.front() == '[') {
        std::size_t close = text.find(']');
        if (close == std::string::npos || close == 1) {
            throw std::invalid_argument("'" + whole + "': unterminated or empty [IPv6] address");
        }
        host = text.substr(1, close - 1);
        std::string after = text.substr(close + 1);
        if (!after.empty() && after.front() != ':') {
            throw std::invalid_argument("'" + whole + "': expected ':' after ']'");
        }
        port = after.empty() ? "" : after.substr(1);
        if (!after.empty() && port.empty()) {
            throw std::invalid_argument("'" + whole + "': empty port");
        }
        return;
    }
    std::size_t colon = text.rfind(':');
    if (colon != std::string::npos && text.find(':') != colon) {
        throw std::invalid_argument("'" + whole + "': write IPv6 addresses in brackets, e.g. [::1]:8443");
    }
    host = text.substr(0, colon);
    port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (colon != std::string::npos && port.empty()) {
        throw std::invalid_argument("'" + whole + "': empty port");
    }
    if (host.empty()) throw std::invalid_argument("'" + whole + "': missing host");
}

} // namespace

HostPort parse_host_port(const std::string& text) {
    HostPort result;
    std::string port;
    split_authority(text, result.host, port, text);
    if (port.empty()) throw std::invalid_argument("'" + text + "': expected HOST:PORT");
    result.port = parse_port(port, text);
    return result;
}

UpstreamUrl parse_upstream_url(const std::string& text) {
    UpstreamUrl result;
    std::size_t scheme_end = text.find("://");
    if (scheme_end == std::string::npos) {
        throw std::invalid_argument("'" + text + "': expected http://HOST[:PORT] or https://HOST[:PORT]");
    }
    result.scheme = text.substr(0, scheme_end);
    if (result.scheme != "http" && result.scheme != "https") {
        throw std::invalid_argument("'" + text + "': the upstream must be http:// or https://");
    }
    std::string rest = text.substr(scheme_end + 3);
    const std::size_t authority_end = rest.find_first_of("/?#");
    std::string authority = rest.substr(0, authority_end);
    // Requests are forwarded with their own path: a path here would be silently ignored.
    if (authority_end != std::string::npos && rest.substr(authority_end) != "/") {
        throw std::invalid_argument("'" + text + "': give only scheme, host and port (no path, "
                                    "query or fragment); the request path is forwarded unchanged");
    }
    if (authority.find('@') != std::string::npos) {
        throw std::invalid_argument("'" + text + "': credentials in the upstream URL are not supported");
    }
    std::string port;
    split_authority(authority, result.host, port, text);
    result.port = port.empty() ? (result.scheme == "https" ? 443 : 80) : parse_port(port, text);
    return result;
}

} // namespace sekisho::ctl
