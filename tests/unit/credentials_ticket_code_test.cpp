#include "credentials/ticket_code.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <string>

using namespace sekisho::credentials;

TEST_CASE("ticket codes are grouped, unambiguous and normalized", "[credentials][tickets]") {
    std::regex shape("[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){3}");
    for (int i = 0; i < 50; ++i) {
        std::string code = generate_ticket_code();
        INFO(code);
        CHECK(std::regex_match(code, shape));
        CHECK(code.find_first_of("01OIL") == std::string::npos);
    }
    CHECK(normalize_ticket_code("abcde-fghjk mnpqr-stuvw") == "ABCDEFGHJKMNPQRSTUVW");
    std::string salt = "0123456789abcdef";
    std::string hash = hash_ticket_code("tkt-1", "ABCDE-FGHJK", salt);
    CHECK(hash.size() == 64);
    CHECK(ticket_code_matches("tkt-1", "abcdefghjk", salt, hash));
    CHECK_FALSE(ticket_code_matches("tkt-2", "ABCDE-FGHJK", salt, hash)); // bound to the id
    CHECK_FALSE(ticket_code_matches("tkt-1", "ABCDE-FGHJK", "other salt......", hash));
    CHECK_FALSE(ticket_code_matches("tkt-1", "ABCDE-FGHJK", salt, hash.substr(1)));
}
