#include "config/values.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>

namespace sekisho::config {

bool is_loopback_host(const std::string& host) {
    if (host == "localhost" || host == "::1" || host == "[::1]") return true;
    unsigned a = 0, b = 0, c = 0, d = 0;
    char tail = 0;
    return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 && c < 256 &&
           d < 256;
}

// The inverse of detail::parse_endpoint: IPv6 addresses get their brackets back.
std::string Endpoint::to_string() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

} // namespace sekisho::config

namespace sekisho::config::detail {

namespace {

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Digits only, no overflow; the caller has checked all_digits().
std::optional<std::uint64_t> to_number(std::string_view digits) {
    std::uint64_t value = 0;
    for (char c : digits) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

bool is_host_char(unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '_';
}

bool is_ipv6_char(unsigned char c) {
    return std::isxdigit(c) || c == ':' || c == '.';
}

std::optional<std::uint16_t> parse_port(std::string_view text, std::string& error) {
    const auto value = all_digits(text) ? to_number(text) : std::nullopt;
    if (!value || *value < 1 || *value > 65535) {
        error = "port '" + std::string(text) + "' must be a number from 1 to 65535";
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*value);
}

struct HostPort {
    std::string host;
    std::optional<std::uint16_t> port;
};

// "host", "host:port", "[v6]" or "[v6]:port". `example` is shown in messages.
std::optional<HostPort> split_host_port(std::string_view text, std::string_view example,
                                        std::string& error) {
    HostPort out;
    std::string_view rest;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            error = "missing ']' after the IPv6 address, e.g. " + std::string(example);
            return std::nullopt;
        }
        const auto inside = text.substr(1, close - 1);
        if (inside.empty() || inside.find(':') == std::string_view::npos ||
            !std::all_of(inside.begin(), inside.end(),
                         [](unsigned char c) { return is_ipv6_char(c); })) {
            error = "'" + std::string(inside) + "' is not an IPv6 address";
            return std::nullopt;
        }
        out.host = lower(inside);
        rest = text.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            error = "unexpected text after ']'; write [address]:port, e.g. " + std::string(example);
            return std::nullopt;
        }
    } else {
        const auto colon = text.rfind(':');
        const auto host = text.substr(0, colon);
        if (host.find(':') != std::string_view::npos) {
            error = "IPv6 addresses must be written in brackets, e.g. " + std::string(example);
            return std::nullopt;
        }
        if (host.empty()) {
            error = "needs a host name or address, e.g. " + std::string(example);
            return std::nullopt;
        }
        if (!std::all_of(host.begin(), host.end(), [](unsigned char c) { return is_host_char(c); })) {
            error = "'" + std::string(host) + "' is not a valid host name or address";
            return std::nullopt;
        }
        out.host = lower(host);
        rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
    }
    if (!rest.empty()) {
        const auto port = parse_port(rest.substr(1), error);
        if (!port) return std::nullopt;
        out.port = port;
    }
    return out;
}

} // namespace

std::optional<Seconds> parse_duration(std::string_view text, std::string& error) {
    const auto digits_end = std::find_if(text.begin(), text.end(),
                                         [](unsigned char c) { return !std::isdigit(c); });
    const auto digits = text.substr(0, static_cast<std::size_t>(digits_end - text.begin()));
    const auto unit = text.substr(digits.size());
    if (digits.empty()) {
        error = "must be a number with a unit, e.g. 30s, 15m, 10h or 1d";
        return std::nullopt;
    }
    if (unit.empty()) {
        error = "needs a unit, e.g. 30s (s = seconds, m = minutes, h = hours, d = days)";
        return std::nullopt;
    }
    std::uint64_t multiplier = 0;
    if (unit == "s") multiplier = 1;
    else if (unit == "m") multiplier = 60;
    else if (unit == "h") multiplier = 3600;
    else if (unit == "d") multiplier = 86400;
    else {
        error = "unknown unit '" + std::string(unit) +
                "'; write a whole number followed by s, m, h or d, e.g. 30s";
        return std::nullopt;
    }
    const auto value = to_number(digits);
    // Ten years is far beyond any sensible setting and keeps the arithmetic safe.
    constexpr std::uint64_t max_seconds = 10ULL * 366 * 86400;
    if (!value || *value > max_seconds / multiplier) {
        error = "'" + std::string(text) + "' is too long";
        return std::nullopt;
    }
    return Seconds(static_cast<Seconds::rep>(*value * multiplier));
}

std::string format_duration(Seconds duration) {
    const auto seconds = duration.count();
    if (seconds != 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
    if (seconds != 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds) + "s";
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t max,
                                            std::string& error) {
    if (text.starts_with('-') && all_digits(text.substr(1))) {
        error = "must not be negative";
        return std::nullopt;
    }
    if (!all_digits(text)) {
        error = "must be a whole number, not '" + std::string(text) + "'";
        return std::nullopt;
    }
    const auto value = to_number(text);
    if (!value || *value > max) {
        error = "must be at most " + std::to_string(max);
        return std::nullopt;
    }
    return value;
}

std::optional<Endpoint> parse_endpoint(std::string_view text, std::string& error) {
    constexpr std::string_view example = "0.0.0.0:8443 or [::1]:8443";
    if (text.empty()) {
        error = "needs a value such as " + std::string(example);
        return std::nullopt;
    }
    auto parts = split_host_port(text, example, error);
    if (!parts) return std::nullopt;
    if (!parts->port) {
        error = "needs a port, e.g. " + std::string(example);
        return std::nullopt;
    }
    return Endpoint{parts->host, *parts->port};
}

std::optional<Upstream> parse_upstream_url(std::string_view text, std::string& error) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        error = "must be a URL such as https://10.0.0.5:443 or http://127.0.0.1:8080";
        return std::nullopt;
    }
    Upstream out;
    out.url = std::string(text);
    out.scheme = lower(text.substr(0, scheme_end));
    if (out.scheme != "http" && out.scheme != "https") {
        error = "scheme '" + out.scheme + "' is not supported; use http:// or https://";
        return std::nullopt;
    }
    const auto rest = text.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, authority_end);
    const auto tail = authority_end == std::string_view::npos ? std::string_view{}
                                                              : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        error = "must not contain a user name or password ('user@'); use upstream_tls for "
                "client authentication";
        return std::nullopt;
    }
    // A lone trailing "/" is the same as no path; anything else would silently be ignored.
    if (tail.starts_with('?')) {
        error = "must not contain a query ('?...'); give only scheme, host and port";
        return std::nullopt;
    }
    if (tail.starts_with('#')) {
        error = "must not contain a fragment ('#...'); give only scheme, host and port";
        return std::nullopt;
    }
    if (!tail.empty() && tail != "/") {
        error = "must not contain a path ('" + std::string(tail) +
                "'); give only scheme, host and port, the request path is forwarded unchanged";
        return std::nullopt;
    }
    const auto parts = split_host_port(authority, "https://10.0.0.5:443", error);
    if (!parts) return std::nullopt;
    out.host = parts->host;
    out.port = parts->port.value_or(out.scheme == "https" ? 443 : 80);
    return out;
}

std::optional<std::string> parse_host_name(std::string_view text, std::string& error) {
    if (text.empty()) {
        error = "must not be empty";
        return std::nullopt;
    }
    if (text.find('*') != std::string_view::npos) {
        error = "wildcards are not supported; list each host name";
        return std::nullopt;
    }
    if (text.find(':') != std::string_view::npos) {
        error = "must be a host name without a port (routes match on the host name only)";
        return std::nullopt;
    }
    if (text.size() > 253 ||
        !std::all_of(text.begin(), text.end(), [](unsigned char c) { return is_host_char(c); })) {
        error = "'" + std::string(text) + "' is not a valid host name";
        return std::nullopt;
    }
    return lower(text);
}

bool is_valid_route_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
    });
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = word.size() < 5 ? 2 : 3; // accept distances below this
    for (const auto& candidate : candidates) {
        // Levenshtein distance, one row at a time.
        std::vector<std::size_t> row(candidate.size() + 1);
        for (std::size_t j = 0; j < row.size(); ++j) row[j] = j;
        for (std::size_t i = 1; i <= word.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= candidate.size(); ++j) {
                const std::size_t above = row[j];
                const bool same = std::tolower(static_cast<unsigned char>(word[i - 1])) ==
                                  std::tolower(static_cast<unsigned char>(candidate[j - 1]));
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
                diagonal = above;
            }
        }
        if (row.back() < best_distance) {
            best_distance = row.back();
            best = candidate;
        }
    }
    return best;
}

} // namespace sekisho::config::detail
