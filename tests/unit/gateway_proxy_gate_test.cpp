#include "gateway/listener/proxy_gate.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>

#include <chrono>
#include <string>

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace sekisho::gateway;

namespace {

sekisho::config::Cidr range(const char* network, unsigned prefix, bool ipv6 = false) {
    sekisho::config::Cidr c;
    c.ipv6 = ipv6;
    c.prefix = prefix;
    c.text = network;
    REQUIRE(inet_pton(ipv6 ? AF_INET6 : AF_INET, network, c.network.data()) == 1);
    return c;
}

Peer peer(const char* address) { return peer_of(tcp::endpoint(asio::ip::make_address(address), 40000)); }

// A connected pair over loopback: what the client writes, the server socket reads.
struct Pair {
    asio::io_context io;
    tcp::socket client{io}, server{io};
    Pair() {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        client.connect(acceptor.local_endpoint());
        server = acceptor.accept();
    }
    std::optional<Peer> read_header(std::chrono::milliseconds timeout, ProxyProtocolCounters& counters) {
        auto result = asio::co_spawn(io, read_proxy_header(server, peer("127.0.0.1"), timeout, counters),
                                     asio::use_future);
        io.run();
        return result.get();
    }
};

} // namespace

TEST_CASE("trusted_balancer matches the peer against the ranges, an IPv4-mapped peer as IPv4") {
    sekisho::config::ProxyProtocolConfig settings;
    settings.enabled = true;
    settings.trusted = {range("10.0.0.0", 8), range("2001:db8::", 32, true)};
    ProxyProtocolCounters counters("main");
    CHECK(trusted_balancer(peer("10.1.2.3"), settings, counters));
    CHECK(trusted_balancer(peer("::ffff:10.1.2.3"), settings, counters)); // a dual-stack listener
    CHECK(trusted_balancer(peer("2001:db8::5"), settings, counters));
    CHECK(counters.refused_count(ProxyRefusal::untrusted_source) == 0);
    CHECK_FALSE(trusted_balancer(peer("11.0.0.1"), settings, counters));
    CHECK_FALSE(trusted_balancer(peer("::ffff:11.0.0.1"), settings, counters));
    CHECK_FALSE(trusted_balancer(peer("2001:db9::5"), settings, counters));
    CHECK_FALSE(trusted_balancer(peer("::a01:203"), settings, counters)); // IPv4-compatible, not mapped
    CHECK(counters.refused_count(ProxyRefusal::untrusted_source) == 4);
}

TEST_CASE("peer_of writes IPv6 endpoints in brackets, so the port can be told apart") {
    CHECK(peer("192.0.2.7").endpoint == "192.0.2.7:40000");
    CHECK(peer("2001:db8::7").endpoint == "[2001:db8::7]:40000");
    CHECK(peer("2001:db8::7").address == "2001:db8::7");
}

TEST_CASE("read_proxy_header reads the header and leaves the bytes behind it in the socket") {
    Pair pair;
    const std::string header = "PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n";
    const std::string tls = "\x16\x03\x01 the ClientHello";
    asio::write(pair.client, asio::buffer(header + tls));
    ProxyProtocolCounters counters("main");
    const auto client = pair.read_header(std::chrono::seconds(5), counters);
    REQUIRE(client);
    CHECK(client->endpoint == "192.0.2.10:56324");
    REQUIRE(pair.server.is_open());
    std::string rest(tls.size(), '\0');
    asio::read(pair.server, asio::buffer(rest));
    CHECK(rest == tls);
}

TEST_CASE("read_proxy_header refuses a missing, a slow and a truncated header, and counts each") {
    ProxyProtocolCounters counters("enrollment");
    {
        Pair pair;
        asio::write(pair.client, asio::buffer(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello", 17)));
        CHECK_FALSE(pair.read_header(std::chrono::seconds(5), counters));
        CHECK(counters.refused_count(ProxyRefusal::missing) == 1);
    }
    {
        Pair pair;
        asio::write(pair.client, asio::buffer(std::string("PROXY TCP4 192.0.2.10")));
        CHECK_FALSE(pair.read_header(std::chrono::milliseconds(200), counters));
        CHECK(counters.refused_count(ProxyRefusal::timeout) == 1);
    }
    {
        Pair pair;
        asio::write(pair.client, asio::buffer(std::string("PROXY TCP4 192.0.2.10 198.51.100.1")));
        pair.client.shutdown(tcp::socket::shutdown_send);
        CHECK_FALSE(pair.read_header(std::chrono::seconds(5), counters));
        CHECK(counters.refused_count(ProxyRefusal::malformed) == 1);
    }
    std::string metrics;
    render_proxy_protocol_refusals(metrics, {&counters, nullptr});
    CHECK_THAT(metrics, Catch::Contains("sekisho_proxy_protocol_refused_total{listener=\"enrollment\","
                                        "reason=\"timeout\"} 1\n"));
    CHECK_THAT(metrics, Catch::Contains("reason=\"untrusted_source\"} 0\n"));
}
