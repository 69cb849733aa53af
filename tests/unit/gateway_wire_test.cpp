// The upstream request is written as one buffer instead of through Beast's serializer;
// these pin its bytes to what the serializer wrote before.
#include "gateway/http/wire.hpp"

#include <boost/beast/core/ostream.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>

#include <sstream>

using namespace sekisho::gateway;

namespace {

std::string beast_wire(Request req) {
    req.version(11);
    std::ostringstream out;
    out << req;
    return out.str();
}

} // namespace

TEST_CASE("the upstream request is the bytes Beast's serializer writes", "[upstream]") {
    Request get{http::verb::get, "/app/x?y=1&z=%2F", 11};
    get.set(http::field::host, "app.example.jp");
    get.set("X-Sekisho-Device", "ab12");
    get.insert("Cookie", "a=1");
    get.insert("Cookie", "b=2");
    get.set("X-Custom-Field", "value with spaces\tand tab");
    CHECK(http11_wire(get) == beast_wire(get));

    Request post{http::verb::post, "/api", 10}; // an HTTP/1.0 client: upstreams get 1.1
    post.set(http::field::host, "app.example.jp");
    post.set(http::field::content_type, "application/json");
    post.body() = "{\"a\":1}";
    post.prepare_payload();
    CHECK(http11_wire(post) == beast_wire(post));
    CHECK(http11_wire(post).starts_with("POST /api HTTP/1.1\r\n"));
    CHECK(http11_wire(post).ends_with("\r\n\r\n{\"a\":1}"));

    Request custom; // a method Beast does not know by name
    custom.method_string("PROPFIND");
    custom.target("/dav");
    custom.version(11);
    custom.set(http::field::host, "dav.example.jp");
    CHECK(http11_wire(custom) == beast_wire(custom));
}

namespace {

// A response as a backend sent it, parsed as the relay parses it.
http::response<http::string_body> parsed(std::string_view text) {
    http::response_parser<http::string_body> parser;
    boost::system::error_code ec;
    parser.eager(true);
    parser.put(boost::asio::buffer(text.data(), text.size()), ec);
    REQUIRE(!ec);
    REQUIRE(parser.is_done());
    return parser.release();
}

std::string beast_response(const http::response<http::string_body>& res) {
    std::ostringstream out;
    out << res;
    return out.str();
}

} // namespace

TEST_CASE("a whole response is the bytes Beast's serializer writes", "[upstream]") {
    for (std::string_view text : {
             std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello"),
             std::string_view("HTTP/1.1 404 Nothing Here At All\r\nContent-Length: 2\r\n\r\nno"),
             std::string_view("HTTP/1.1 200 \r\nContent-Length: 1\r\n\r\nx"), // no reason: Beast's default
             std::string_view("HTTP/1.0 299 Odd\r\nContent-Length: 3\r\n\r\nabc"),
         }) {
        auto res = parsed(text);
        INFO(text);
        CHECK(response_head_wire(res.base()) + res.body() == beast_response(res));
    }
    http::response<http::string_body> made{http::status::ok, 11};
    made.set(http::field::via, "1.1 sekisho");
    made.body() = "made here";
    made.prepare_payload();
    CHECK(response_head_wire(made.base()) + made.body() == beast_response(made));
}
