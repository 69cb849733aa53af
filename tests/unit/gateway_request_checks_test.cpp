#include "gateway/http/request_checks.hpp"
#include "gateway/http/path.hpp"
#include "gateway/http/routing.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::gateway;

namespace {

// Parses a raw request header the way the connection does; fails the test on parse errors.
http::request_header<> parse(std::string_view raw) {
    http::request_parser<http::string_body> parser;
    boost::system::error_code ec;
    parser.put(asio::buffer(raw.data(), raw.size()), ec);
    REQUIRE_FALSE(ec);
    REQUIRE(parser.is_header_done());
    return parser.get().base();
}

boost::system::error_code parse_error(std::string_view raw) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(1024);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (!ec && used < raw.size() && !parser.is_done()) {
        auto n = parser.put(asio::buffer(raw.data() + used, raw.size() - used), ec);
        if (n == 0 && !ec) break;
        used += n;
    }
    return ec;
}

} // namespace

TEST_CASE("obs-fold, bare LF and control characters are refused before parsing") {
    CHECK_FALSE(check_header_block("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    auto fold = check_header_block("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n");
    REQUIRE(fold);
    CHECK(fold->reason == RequestRejection::obs_fold);
    CHECK(fold->status == http::status::bad_request);
    CHECK(check_header_block("GET / HTTP/1.1\nHost: a\r\n\r\n")->reason == RequestRejection::bad_request);
    CHECK(check_header_block(std::string_view("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 28)));
}

TEST_CASE("framing conflicts are errors of the parser or of our checks, never forwarded") {
    CHECK(rejection_for_parse_error(parse_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                                                "Transfer-Encoding: chunked\r\n\r\n"))
              .reason == RequestRejection::bad_framing);
    CHECK(rejection_for_parse_error(parse_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                                                "Content-Length: 6\r\n\r\n"))
              .reason == RequestRejection::bad_framing);
    CHECK(rejection_for_parse_error(parse_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"))
              .reason == RequestRejection::bad_framing);
    CHECK(rejection_for_parse_error(parse_error("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                "zz\r\nhello\r\n0\r\n\r\n"))
              .reason == RequestRejection::bad_framing);
    auto big = rejection_for_parse_error(parse_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4096\r\n\r\n"));
    CHECK(big.status == http::status::payload_too_large);

    // Two equal Content-Length values pass Beast's parser; our check refuses them.
    auto twice = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n");
    std::string host;
    auto r = check_request_header(twice, "", &host);
    REQUIRE(r);
    CHECK(r->reason == RequestRejection::bad_framing);

    auto gzip = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n");
    CHECK(check_request_header(gzip, "", &host)->reason == RequestRejection::bad_framing);
}

TEST_CASE("targets: CONNECT and foreign absolute-form are refused, own absolute-form is rewritten") {
    std::string host;
    auto connect = parse("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n");
    CHECK(check_request_header(connect, "", &host)->reason == RequestRejection::method_not_allowed);

    auto foreign = parse("GET http://evil.example/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(check_request_header(foreign, "localhost", &host)->reason == RequestRejection::foreign_target);

    auto own = parse("GET https://LOCALHOST:8443/a/b?q=1 HTTP/1.1\r\nHost: localhost:8443\r\n\r\n");
    CHECK_FALSE(check_request_header(own, "localhost", &host));
    CHECK(own.target() == "/a/b?q=1");
    CHECK(host == "localhost");
}

TEST_CASE("Host must exist once and agree with the TLS server name") {
    std::string host;
    auto none = parse("GET / HTTP/1.1\r\nX: y\r\n\r\n");
    CHECK(check_request_header(none, "", &host)->status == http::status::bad_request);
    auto two = parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    CHECK(check_request_header(two, "", &host)->status == http::status::bad_request);
    auto forged = parse("GET / HTTP/1.1\r\nHost: other.example\r\n\r\n");
    auto r = check_request_header(forged, "localhost", &host);
    REQUIRE(r);
    CHECK(r->status == http::status::misdirected_request);
    auto no_sni = parse("GET / HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n\r\n");
    CHECK_FALSE(check_request_header(no_sni, "", &host));
    CHECK(host == "127.0.0.1");
}

TEST_CASE("host normalization and segment-aware prefixes") {
    CHECK(normalize_host("Example.JP:8443") == "example.jp");
    CHECK(normalize_host("[::1]:8443") == "::1");
    CHECK(normalize_host("example.jp.") == "example.jp");
    CHECK(normalize_host("a b").empty());
    CHECK(normalize_host("host:80x").empty());
    CHECK(path_has_prefix("/app", "/app"));
    CHECK(path_has_prefix("/app/x", "/app"));
    CHECK_FALSE(path_has_prefix("/apple", "/app"));
    CHECK(path_has_prefix("/app/x", "/app/"));
    CHECK_FALSE(path_has_prefix("/application", "/app/"));
}

TEST_CASE("route table picks the longest prefix of the request's host") {
    std::vector<sekisho::config::Route> routes(3);
    routes[0].name = "root";
    routes[0].hosts = {"a.example"};
    routes[0].path_prefix = "/";
    routes[1].name = "api";
    routes[1].hosts = {"a.example"};
    routes[1].path_prefix = "/api";
    routes[2].name = "other";
    routes[2].hosts = {"b.example"};
    routes[2].path_prefix = "/api";
    RouteTable table(routes);
    CHECK(table.knows_host("a.example"));
    CHECK_FALSE(table.knows_host("c.example"));
    CHECK(table.match("a.example", "/api/v1")->name == "api");
    CHECK(table.match("a.example", "/apiary")->name == "root");
    CHECK(table.match("b.example", "/api")->name == "other");
    CHECK(table.match("b.example", "/") == nullptr);
}

TEST_CASE("every spelling of /_sekisho/ stays at the gateway") {
    CHECK(is_reserved_path("/_sekisho/jwks.json"));
    CHECK(is_reserved_path("/_sekisho"));
    CHECK(is_reserved_path("/%5Fsekisho/x"));
    CHECK(is_reserved_path("//_sekisho/x"));
    CHECK(is_reserved_path("/a/../_sekisho/x"));
    CHECK(is_reserved_path("/./_sekisho/"));
    CHECK_FALSE(is_reserved_path("/_sekishoX/"));
    CHECK_FALSE(is_reserved_path("/app/_sekisho/"));
}

TEST_CASE("paths an upstream would normalize into another route are refused") {
    for (std::string_view path : {"/x/../admin/", "/./admin/", "/admin/.", "/admin/..", "/..", "/.",
                                  "/viewer/../manage", "/x/..;/admin/", "/x/.;a/admin", "/%61dmin/",
                                  "/%2e%2e/admin", "/%2E/admin", "/a%2Db", "/a%5fb", "/a%7E", "/a%30",
                                  "/foo%2fbar", "/foo%2Fbar", "/foo%5cbar", "/a\\b", "/a%", "/a%4", "/a%zz",
                                  "/a%4g/b", "/admin#x"}) {
        INFO(path);
        auto r = check_canonical_path(path);
        REQUIRE(r);
        CHECK(r->status == http::status::bad_request);
        CHECK(r->reason == RequestRejection::bad_request);
        CHECK(r->detail.find("non-canonical path") != std::string::npos);
    }
    CHECK(check_canonical_path("/x/../admin/")->detail.find("dot segment") != std::string::npos);
    CHECK(check_canonical_path("/%61dmin/")->detail.find("unreserved") != std::string::npos);
    CHECK(check_canonical_path("/a%zz")->detail.find("malformed") != std::string::npos);
}

TEST_CASE("empty segments are refused: nginx, Apache and Tomcat merge slashes") {
    for (std::string_view path : {"//admin/", "/x//admin/", "/a//", "//"}) {
        INFO(path);
        auto r = check_canonical_path(path);
        REQUIRE(r);
        CHECK(r->detail.find("empty segment") != std::string::npos);
    }
    CHECK_FALSE(check_canonical_path("/a/"));
    CHECK_FALSE(check_canonical_path("/"));
}

TEST_CASE("canonical paths pass, legitimate percent-encodings included") {
    for (std::string_view path : {"/", "/admin/", "/search/%E6%97%A5%E6%9C%AC", "/search/%e6%97%a5", "/a%20b",
                                  "/a%25b", "/a%3Fb", "/a%23b", "/a%3bb", "/file.txt", "/a..b/c",
                                  "/.well-known/x", "/a/...", "/..a", "/a;jsessionid=1", "/a/b/", "/~user/",
                                  "/a_b-c"}) {
        INFO(path);
        CHECK_FALSE(check_canonical_path(path));
    }
}

TEST_CASE("the path check runs on every target, after the absolute-form rewrite, and not on the query") {
    std::string host;
    auto dotted = parse("GET /x/../admin/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(check_request_header(dotted, "localhost", &host)->reason == RequestRejection::bad_request);
    auto reserved = parse("GET /_sekisho/../admin/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(check_request_header(reserved, "localhost", &host));
    auto absolute = parse("GET https://localhost/%2e%2e/admin HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK(check_request_header(absolute, "localhost", &host)->status == http::status::bad_request);
    auto query = parse("GET /search?q=../%2e%2f%zz\\ HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK_FALSE(check_request_header(query, "localhost", &host));
    auto asterisk = parse("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n");
    CHECK_FALSE(check_request_header(asterisk, "localhost", &host));
}
