// Parsing of the single-value notations used in sekisho.yaml: durations, sizes, endpoints,
// upstream URLs, host names. Each parser returns std::nullopt and sets `error` to a reason
// an operator can act on.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::config::detail {

// "30s", "15m", "10h", "1d". A bare number is refused: the unit must be explicit.
std::optional<Seconds> parse_duration(std::string_view text, std::string& error);

// The shortest exact spelling: 86400 -> "1d", 7200 -> "2h", 60 -> "60s".
std::string format_duration(Seconds duration);

// A plain non-negative decimal integer no larger than max.
std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max,
                                            std::string& error);

// "host:port" or "[ipv6]:port", port 1..65535.
std::optional<Endpoint> parse_endpoint(std::string_view text, std::string& error);

// "10.0.0.0/8", "2001:db8::/32", or a bare address (/32, /128). Host bits must be zero
// (a typo like 10.1.2.3/8 would trust far more than meant), and /0 is refused.
std::optional<Cidr> parse_cidr(std::string_view text, std::string& error);

// "http://host[:port]" or "https://host[:port]"; no userinfo, path, query or fragment.
std::optional<Upstream> parse_upstream_url(std::string_view text, std::string& error);

// A host name as it appears in the HTTP Host header / SNI, returned in lower case.
// No port, no wildcard.
std::optional<std::string> parse_host_name(std::string_view text, std::string& error);

// Route names: [A-Za-z0-9._-]+
bool is_valid_route_name(std::string_view name);

// The closest candidate to a misspelt word, or "" when none is close enough.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

} // namespace sekisho::config::detail
