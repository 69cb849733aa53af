// proxy_protocol: per listener, off by default, fail closed when on without balancers.
#include "config/load.hpp"
#include "config/values.hpp"
#include "config_test_support.hpp"

#include <arpa/inet.h>

using namespace sekisho::config;
using namespace sekisho::config::detail;
using namespace sekisho::config::test;

namespace {

std::vector<std::uint8_t> address(const char* text) {
    std::array<std::uint8_t, 16> bytes{};
    const bool v6 = std::string_view(text).find(':') != std::string_view::npos;
    REQUIRE(inet_pton(v6 ? AF_INET6 : AF_INET, text, bytes.data()) == 1);
    return {bytes.begin(), bytes.begin() + (v6 ? 16 : 4)};
}

Cidr cidr(const char* text) {
    std::string error;
    auto parsed = parse_cidr(text, error);
    INFO(text << ": " << error);
    REQUIRE(parsed);
    return *parsed;
}

std::string cidr_error(const char* text) {
    std::string error;
    INFO(text);
    CHECK_FALSE(parse_cidr(text, error));
    return error;
}

Config load(const std::string& text) {
    TempDir dir;
    write_minimal_files(dir);
    return load_text(text, "test.yaml", dir.str());
}

} // namespace

TEST_CASE("parse_cidr reads IPv4 and IPv6 ranges and bare addresses", "[config][values]") {
    CHECK(cidr("10.0.0.0/8").prefix == 8);
    CHECK(cidr("127.0.0.1").prefix == 32);
    CHECK(cidr("2001:db8::/32").ipv6);
    CHECK(cidr("::1").prefix == 128);
    CHECK(cidr("172.16.0.0/12").text == "172.16.0.0/12");

    CHECK_THAT(cidr_error("10.1.2.3/8"), Catch::Contains("did you mean 10.0.0.0/8?"));
    CHECK_THAT(cidr_error("2001:db8::1/32"), Catch::Contains("did you mean 2001:db8::/32?"));
    CHECK_THAT(cidr_error("0.0.0.0/0"), Catch::Contains("trusts every address"));
    CHECK_THAT(cidr_error("::/0"), Catch::Contains("trusts every address"));
    for (const char* bad : {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/08", "10.0.0.0/8/8",
                            "10.0.0.300/8", "10.1/16", "010.0.0.0/8", "balancer.example.jp", "10.0.0.0 /8",
                            "fe80::1%eth0"}) {
        CHECK_FALSE(cidr_error(bad).empty());
    }
}

TEST_CASE("Cidr::contains matches on the prefix, IPv4 against IPv4 only", "[config][values]") {
    const auto ten = cidr("10.0.0.0/8");
    CHECK(ten.contains(address("10.0.0.0")));
    CHECK(ten.contains(address("10.255.255.255")));
    CHECK_FALSE(ten.contains(address("11.0.0.0")));
    CHECK_FALSE(ten.contains(address("::ffff:10.0.0.1"))); // the caller unmaps first
    const auto odd = cidr("172.16.0.0/12");
    CHECK(odd.contains(address("172.31.255.255")));
    CHECK_FALSE(odd.contains(address("172.32.0.0")));
    CHECK_FALSE(odd.contains(address("172.15.255.255")));
    const auto one = cidr("127.0.0.3");
    CHECK(one.contains(address("127.0.0.3")));
    CHECK_FALSE(one.contains(address("127.0.0.1")));
    const auto v6 = cidr("2001:db8::/33");
    CHECK(v6.contains(address("2001:db8:7fff::1")));
    CHECK_FALSE(v6.contains(address("2001:db8:8000::1")));
    CHECK_FALSE(v6.contains(address("10.0.0.1")));
}

TEST_CASE("proxy_protocol is off by default", "[config]") {
    const auto config = load(minimal_config);
    CHECK_FALSE(config.proxy_protocol.enabled);
    CHECK(config.proxy_protocol.trusted.empty());
    CHECK(config.proxy_protocol.timeout == Seconds(5));
    CHECK_FALSE(config.enrollment.proxy_protocol.enabled);
}

TEST_CASE("proxy_protocol on the main listener, its timeout capped by the handshake's", "[config]") {
    auto config = load(minimal_config + "proxy_protocol:\n  enabled: true\n  trusted: [10.0.0.0/8, 127.0.0.1/32, "
                                        "\"2001:db8::/32\"]\n  timeout: 3s\n");
    CHECK(config.proxy_protocol.enabled);
    REQUIRE(config.proxy_protocol.trusted.size() == 3);
    CHECK(config.proxy_protocol.trusted[1].text == "127.0.0.1/32");
    CHECK(config.proxy_protocol.timeout == Seconds(3));

    config = load(minimal_config + "proxy_protocol: {enabled: true, trusted: 10.0.0.7}\ntimeouts:\n  handshake: 2s\n");
    CHECK(config.proxy_protocol.trusted.size() == 1);
    CHECK(config.proxy_protocol.timeout == Seconds(2));
}

TEST_CASE("proxy_protocol problems name the key and line", "[config][errors]") {
    require_single_problem(minimal_config + "proxy_protocol:\n  enabled: true\n", "proxy_protocol.enabled", 13,
                           "needs proxy_protocol.trusted");
    require_single_problem(minimal_config + "proxy_protocol:\n  enabled: true\n  trusted: []\n",
                           "proxy_protocol.trusted", 14, "needs at least one entry");
    require_single_problem(minimal_config + "proxy_protocol:\n  enabled: true\n  trusted:\n    - 10.0.0.0/8\n"
                                            "    - 10.0.0.300/8\n",
                           "proxy_protocol.trusted[1]", 16, "'10.0.0.300' is not an IPv4 or IPv6 address");
    require_single_problem(minimal_config + "proxy_protocol:\n  trusted: [192.168.1.1/16]\n",
                           "proxy_protocol.trusted[0]", 13, "did you mean 192.168.0.0/16?");
    require_single_problem(minimal_config + "proxy_protocol:\n  enabled: yes please\n", "proxy_protocol.enabled", 13,
                           "must be true or false");
    require_single_problem(minimal_config + "proxy_protocol:\n  timeout: 5\n", "proxy_protocol.timeout", 13,
                           "needs a unit");
    require_single_problem(minimal_config + "proxy_protocol:\n  trust: [10.0.0.0/8]\n",
                           "proxy_protocol.trust", 13, "did you mean 'trusted'?");
    require_single_problem(minimal_config + "proxy_protocol: true\n", "proxy_protocol", 12, "must be a group");
}

TEST_CASE("enrollment.proxy_protocol is the enrollment listener's own", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("ca.crt");
    dir.write("ca.key");
    const std::string text = minimal_config +
                             "registry:\n  sqlite: r.db\nenrollment:\n  listen: 127.0.0.1:8444\n"
                             "  public_url: https://enroll.example.jp:8444\n"
                             "  ca:\n    certificate: ca.crt\n    key: ca.key\n    crl: device-ca.crl\n"
                             "  proxy_protocol:\n    enabled: true\n    trusted: [10.1.0.0/16]\n";
    const auto config = load_text(text, "test.yaml", dir.str());
    CHECK(config.enrollment.proxy_protocol.enabled);
    CHECK(config.enrollment.proxy_protocol.trusted.at(0).text == "10.1.0.0/16");
    CHECK_FALSE(config.proxy_protocol.enabled);

    const auto problems = problems_of(text.substr(0, text.rfind("    trusted")), dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "enrollment.proxy_protocol.enabled");
    CHECK(problems[0].line == 22);
}
