// Text from outside on its way to a JSON record and to an operator's terminal.
#include "pki/printable.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::pki;

TEST_CASE("valid_utf8 keeps UTF-8 and turns every other byte into U+FFFD", "[pki][printable]") {
    CHECK(valid_utf8("demo.nurse \xe5\x8f\x97\xe4\xbb\x98 \xf0\x9f\x8f\xa5") == "demo.nurse \xe5\x8f\x97\xe4\xbb\x98 \xf0\x9f\x8f\xa5");
    CHECK(valid_utf8("caf\xc3") == "caf\xef\xbf\xbd");                      // cut short
    CHECK(valid_utf8("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");            // overlong '/'
    CHECK(valid_utf8("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); // a surrogate
    CHECK(valid_utf8("\xf4\x90\x80\x80").find("\xf4") == std::string::npos); // above U+10FFFF
    CHECK(valid_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));    // valid, if odd
}

TEST_CASE("printable escapes what a terminal would obey", "[pki][printable]") {
    CHECK(printable("\x1b[31mred\x07") == "\\x1b[31mred\\x07");
    CHECK(printable("a\x7f" "b") == "a\\x7fb");
    CHECK(printable("\xc2\x9b" "2J") == "\\u009b2J"); // C1 CSI, as UTF-8
    CHECK(printable("\x9b" "2J") == "\\x9b2J");       // the same as a raw byte
    CHECK(printable("line\nforged") == "line\\x0aforged");
    CHECK(printable("line\nnext", Newlines::keep) == "line\nnext");
    CHECK(printable("CN=t\xc3\xa9st,O=\xe5\x8f\x97\xe4\xbb\x98") == "CN=t\xc3\xa9st,O=\xe5\x8f\x97\xe4\xbb\x98");
}
