// The RESP reader: what a Redis server says becomes plain values, and what a hostile or
// broken one says is a protocol error, never memory without bound.
#include "session/redis/resp.hpp"

#include <catch2/catch.hpp>

using sekisho::session::redis::ProtocolError;
using sekisho::session::redis::Reply;
using sekisho::session::redis::ReplyReader;
using sekisho::session::redis::format_command;

TEST_CASE("replies are read whole, nested arrays included, however the bytes arrive", "[session]") {
    ReplyReader reader;
    std::vector<Reply> got;
    for (char c : std::string("+OK\r\n:42\r\n$5\r\nhe") + std::string(1, '\0') +
                      "lo\r\n$-1\r\n*3\r\n$1\r\na\r\n*2\r\n:1\r\n-ERR x\r\n*0\r\n-WRONGPASS no\r\n") {
        reader.feed(std::string_view(&c, 1));
        while (auto r = reader.next()) got.push_back(std::move(*r));
    }
    REQUIRE(got.size() == 6);
    CHECK(got[0].type == Reply::Type::status);
    CHECK(got[0].text == "OK");
    CHECK(got[1].integer == 42);
    CHECK(got[2].text == std::string("he\0lo", 5));
    CHECK(got[3].is_nil());
    REQUIRE(got[4].elements.size() == 3);
    CHECK(got[4].elements[0].text == "a");
    REQUIRE(got[4].elements[1].elements.size() == 2);
    CHECK(got[4].elements[1].elements[1].is_error());
    CHECK(got[4].elements[2].elements.empty());
    CHECK(got[5].text == "WRONGPASS no");
}

TEST_CASE("a server that announces an endless string or a huge array is refused", "[session]") {
    ReplyReader endless;
    endless.feed("$999999999999\r\n");
    const std::string chunk(1 << 20, 'x');
    CHECK_THROWS_AS(
        [&] {
            for (int i = 0; i < 32; ++i) endless.feed(chunk);
        }(),
        ProtocolError);

    ReplyReader huge;
    huge.feed("*2000000000\r\n:1\r\n");
    CHECK_THROWS_AS(huge.next(), ProtocolError);

    ReplyReader garbage;
    garbage.feed("?what\r\n");
    CHECK_THROWS_AS(garbage.next(), ProtocolError);
}

TEST_CASE("commands are formatted binary-safe", "[session]") {
    CHECK(format_command({"SET", "k", std::string("a\r\nb", 4)}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n");
}
