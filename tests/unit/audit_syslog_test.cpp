// The syslog copy of the trail: RFC 5424 framing, and delivery to a real UDP and TCP
// collector on loopback, including records that waited while the collector was away.
#include "audit/syslog_forwarder.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace sekisho::audit;

namespace {

// A loopback socket bound to a free port (UDP) or listening (TCP).
struct Collector {
    int fd = -1;
    std::uint16_t port = 0;
    explicit Collector(bool tcp) {
        fd = ::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        if (tcp) ::listen(fd, 4);
    }
    ~Collector() { ::close(fd); }
};

std::string receive(int fd, int timeout_ms = 5000) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) return {};
    char buf[65536];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

const std::string kHash(64, 'a');

AppendedRecord record_of(const Fields& fields, const std::string& line, std::uint64_t seq) {
    return AppendedRecord{seq, "2026-12-01T15:04:05.678+09:00", "login.failed", fields, line, kHash};
}

} // namespace

TEST_CASE("RFC 5424 messages: PRI, version, header fields, escaped structured data", "[syslog]") {
    SyslogMessage m;
    m.facility = 10;
    m.severity = 4;
    m.timestamp = "2026-12-01T15:04:05.678+09:00";
    m.hostname = "gw 1";
    m.procid = "42";
    m.msgid = "login.failed";
    m.params = {{"seq", "7"}, {"note", "a\"b]c\\d"}};
    m.msg = "{\"seq\":7}";
    CHECK(format_rfc5424(m) ==
          "<84>1 2026-12-01T15:04:05.678+09:00 gw_1 sekisho 42 login.failed "
          "[sekisho@32473 seq=\"7\" note=\"a\\\"b\\]c\\\\d\"] {\"seq\":7}");
    m.params.clear();
    m.hostname.clear();
    m.msgid = std::string(40, 'x');
    CHECK(format_rfc5424(m) == "<84>1 2026-12-01T15:04:05.678+09:00 - sekisho 42 " + std::string(32, 'x') + " - {\"seq\":7}");
    CHECK(syslog_severity("critical") == 2);
    CHECK(syslog_severity("error") == 3);
    CHECK(syslog_severity("warning") == 4);
    CHECK(syslog_severity("info") == 6);
}

TEST_CASE("records reach a UDP collector, one datagram each, with seq and hash", "[syslog]") {
    Collector collector(false);
    SyslogOptions options;
    options.host = "127.0.0.1";
    options.port = collector.port;
    SyslogForwarder forwarder(options);
    const Fields fields{{"level", "warning"}, {"user", "u1"}};
    forwarder.forward(record_of(fields, "{\"seq\":5,\"event\":\"login.failed\"}", 5));
    const auto got = receive(collector.fd);
    CHECK(got.starts_with("<84>1 2026-12-01T15:04:05.678+09:00 "));
    CHECK_THAT(got, Catch::Contains(" login.failed [sekisho@32473 seq=\"5\" hash=\"" + std::string(64, 'a') + "\"] "));
    CHECK(got.ends_with("{\"seq\":5,\"event\":\"login.failed\"}"));
}

TEST_CASE("TCP: octet-counted frames; records wait while the collector is away", "[syslog]") {
    std::uint16_t port = 0;
    {
        Collector probe(true); // a port nobody listens on once it closes
        port = probe.port;
    }
    SyslogOptions options;
    options.host = "127.0.0.1";
    options.port = port;
    options.tcp = true;
    std::vector<std::string> reports;
    std::mutex m;
    options.on_error = [&](const std::string& what) {
        std::lock_guard lock(m);
        reports.push_back(what);
    };
    SyslogForwarder forwarder(options);
    const Fields fields{{"level", "info"}};
    forwarder.forward(record_of(fields, "{\"seq\":1}", 1));
    forwarder.forward(record_of(fields, "{\"seq\":2}", 2));
    for (int i = 0; i < 100 && forwarder.stats().connected == false; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard lock(m);
        if (!reports.empty()) break;
    }
    {
        std::lock_guard lock(m);
        REQUIRE_FALSE(reports.empty());
        CHECK_THAT(reports[0], Catch::Contains("unreachable"));
    }
    CHECK(forwarder.stats().queued == 2);

    // The collector comes up on that port: both records arrive, in order.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ::listen(fd, 4);
    pollfd p{fd, POLLIN, 0};
    REQUIRE(::poll(&p, 1, 10000) == 1);
    int conn = ::accept(fd, nullptr, nullptr);
    std::string stream;
    for (int i = 0; i < 50 && stream.find("{\"seq\":2}") == std::string::npos; ++i) stream += receive(conn, 200);
    ::close(conn);
    ::close(fd);
    const auto first = stream.find(' ');
    REQUIRE(first != std::string::npos);
    const auto length = std::stoul(stream.substr(0, first));
    const auto message = stream.substr(first + 1, length);
    CHECK(message.starts_with("<86>1 "));
    CHECK(message.ends_with("{\"seq\":1}"));
    CHECK_THAT(stream.substr(first + 1 + length), Catch::Contains("{\"seq\":2}"));
}
