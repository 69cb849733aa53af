// The upstream request is written as one buffer instead of through Beast's serializer;
// these pin its bytes to what the serializer wrote before.
#include "gateway/http/request_wire.hpp"

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
