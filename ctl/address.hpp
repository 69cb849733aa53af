// Command-line addresses: HOST:PORT listeners and http(s) upstream URLs.
#pragma once

#include <cstdint>
#include <string>

namespace sekisho::ctl {

struct HostPort {
    std::string host; // without brackets for IPv6
    std::uint16_t port = 0;
};

// "127.0.0.1:8443", "localhost:8443", "[::1]:8443". Throws std::invalid_argument saying why.
HostPort parse_host_port(const std::string& text);

struct UpstreamUrl {
    std::string scheme; // "http" or "https"
    std::string host;
    std::uint16_t port = 0; // explicit or the scheme's default
};

// "http://host[:port][/]" or "https://...". Throws std::invalid_argument saying why.
UpstreamUrl parse_upstream_url(const std::string& text);

} // namespace sekisho::ctl
