// The single-value notations: durations, sizes, endpoints, upstream URLs, host names.
#include "config/values.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::config;
using namespace sekisho::config::detail;

TEST_CASE("parse_duration accepts s, m, h, d only", "[config][values]") {
    std::string error;
    CHECK(parse_duration("30s", error) == Seconds(30));
    CHECK(parse_duration("15m", error) == Seconds(900));
    CHECK(parse_duration("10h", error) == Seconds(36000));
    CHECK(parse_duration("1d", error) == Seconds(86400));
    CHECK(parse_duration("0s", error) == Seconds(0));
    for (const char* bad : {"", "s", "30", "30 s", "1.5h", "-1s", "30S", "5ms", "99999999999999999999s"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration(bad, error).has_value());
        CHECK_FALSE(error.empty());
    }
    parse_duration("30", error);
    CHECK_THAT(error, Catch::StartsWith("needs a unit, e.g. 30s"));
}

TEST_CASE("format_duration picks the largest exact unit", "[config][values]") {
    CHECK(format_duration(Seconds(60)) == "60s");
    CHECK(format_duration(Seconds(7200)) == "2h");
    CHECK(format_duration(Seconds(7 * 86400)) == "7d");
    CHECK(format_duration(Seconds(0)) == "0s");
}

TEST_CASE("parse_unsigned", "[config][values]") {
    std::string error;
    CHECK(parse_unsigned("0", 10, error) == 0u);
    CHECK(parse_unsigned("10", 10, error) == 10u);
    CHECK_FALSE(parse_unsigned("11", 10, error));
    CHECK_FALSE(parse_unsigned("1e3", 10000, error));
    CHECK_FALSE(parse_unsigned("", 10, error));
    CHECK_FALSE(parse_unsigned("+1", 10, error));
    CHECK_FALSE(parse_unsigned("184467440737095516160", UINT64_MAX, error));
}

TEST_CASE("parse_endpoint", "[config][values]") {
    std::string error;
    auto endpoint = parse_endpoint("LocalHost:8443", error);
    REQUIRE(endpoint);
    CHECK(endpoint->host == "localhost");
    CHECK(endpoint->port == 8443);
    endpoint = parse_endpoint("[2001:DB8::1]:443", error);
    REQUIRE(endpoint);
    CHECK(endpoint->host == "2001:db8::1");
    CHECK(endpoint->to_string() == "[2001:db8::1]:443");
    for (const char* bad : {"host", "host:", "host:0", "host:65536", "host:http", ":80", "[::1]",
                            "[::1:80", "[::1]x:80", "[zz]:80", "::1:80", "a b:80", "a/b:80"}) {
        INFO(bad);
        CHECK_FALSE(parse_endpoint(bad, error).has_value());
    }
}

TEST_CASE("parse_upstream_url", "[config][values]") {
    std::string error;
    auto upstream = parse_upstream_url("HTTP://Backend.local", error);
    REQUIRE(upstream);
    CHECK(upstream->scheme == "http");
    CHECK(upstream->host == "backend.local");
    CHECK(upstream->port == 80);
    CHECK(upstream->url == "HTTP://Backend.local");
    upstream = parse_upstream_url("https://[::1]", error);
    REQUIRE(upstream);
    CHECK(upstream->host == "::1");
    CHECK(upstream->port == 443);
    for (const char* bad : {"https://", "https://:443", "https://h:0", "https://h/a", "https://h#x",
                            "https://u@h", "ws://h", "h:80", "https://h:x"}) {
        INFO(bad);
        CHECK_FALSE(parse_upstream_url(bad, error).has_value());
    }
}

TEST_CASE("parse_host_name and route names", "[config][values]") {
    std::string error;
    CHECK(parse_host_name("PACS.Example.JP", error) == std::optional<std::string>("pacs.example.jp"));
    CHECK(parse_host_name("10.0.0.5", error) == std::optional<std::string>("10.0.0.5"));
    CHECK_FALSE(parse_host_name("", error));
    CHECK_FALSE(parse_host_name("*.example.jp", error));
    CHECK_FALSE(parse_host_name("a.jp:443", error));
    CHECK_FALSE(parse_host_name("a jp", error));
    CHECK(is_valid_route_name("pacs-viewer_2.x"));
    CHECK_FALSE(is_valid_route_name(""));
    CHECK_FALSE(is_valid_route_name("a/b"));
}

TEST_CASE("closest_match suggests near misses only", "[config][values]") {
    const std::vector<std::string> keys{"path_prefix", "upstream", "hosts", "name"};
    CHECK(closest_match("pathprefix", keys) == "path_prefix");
    CHECK(closest_match("upsteam", keys) == "upstream");
    CHECK(closest_match("host", keys) == "hosts");
    CHECK(closest_match("colour", keys).empty());
}
