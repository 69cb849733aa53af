// Which facilities an alert concerns and what each may see of it (issue 16): a facility's
// copy never carries another facility's user, terminal or address.
#include "gateway/events/alert_routing.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace sekisho::gateway;

namespace {

std::map<std::string, std::string> as_map(const OwnedFields& fields) {
    return {fields.begin(), fields.end()};
}

} // namespace

TEST_CASE("an event of one facility goes to it whole", "[alerts]") {
    const std::vector<LogField> fields = {{"reason", "bad_credentials"}, {"detail", "wrong password"},
                                          {"user", "ward.nurse"}, {"device", "ab12"}, {"facility", "north"},
                                          {"user_facility", "north"}, {"peer", "10.0.0.7:5100"}};
    const auto concerned = facilities_of("login.failed", fields);
    CHECK(concerned == std::vector<std::string>{"north"});
    CHECK(as_map(fields_for("north", fields, concerned)).size() == fields.size());
}

TEST_CASE("a cross-facility event gives each facility its own half and the neutral fields", "[alerts]") {
    const std::vector<LogField> fields = {{"user", "kim"}, {"device", "ab12"}, {"serial", "01"},
                                          {"facility", "north"}, {"user_facility", "south"},
                                          {"peer", "10.0.0.7:5100"}, {"failures", "5"},
                                          {"detail", "user of facility south on a terminal of north"}};
    const auto concerned = facilities_of("login.locked", fields);
    CHECK(concerned == std::vector<std::string>{"north", "south"});
    CHECK(as_map(fields_for("south", fields, concerned)) ==
          std::map<std::string, std::string>{{"user", "kim"}, {"user_facility", "south"}, {"failures", "5"}});
    CHECK(as_map(fields_for("north", fields, concerned)) ==
          std::map<std::string, std::string>{{"device", "ab12"}, {"serial", "01"}, {"facility", "north"},
                                             {"peer", "10.0.0.7:5100"}, {"failures", "5"}});
    CHECK(fields_for("east", fields, concerned) == OwnedFields{{"failures", "5"}});
}

TEST_CASE("a session cross-over concerns the presenting, the owning and the bound facility", "[alerts]") {
    const std::vector<LogField> fields = {{"user", "kim"}, {"bound_device", "b0"}, {"presented_by", "c0"},
                                          {"facility", "east"}, {"user_facility", "south"},
                                          {"bound_facility", "south"}};
    CHECK(facilities_of("session.crossover", fields) == std::vector<std::string>{"east", "south"});
    const auto south = as_map(fields_for("south", fields, {"east", "south"}));
    CHECK(south.count("bound_device") == 1);
    CHECK(south.count("presented_by") == 0);
}

TEST_CASE("an emergency account's opening names its facility in the ledger details", "[alerts]") {
    const std::vector<LogField> fields = {{"actor", "admin:alice"}, {"subject", "er1"},
                                          {"details", R"({"until":1700000000,"facility":"north"})"}};
    CHECK(facilities_of("ledger.user.break_glass_open", fields) == std::vector<std::string>{"north"});
    CHECK(facilities_of("ledger.user.break_glass_open", std::vector<LogField>{{"details", "not json"}}).empty());
    CHECK(facilities_of("handshake.refused", std::vector<LogField>{{"facility", "-"}}).empty());
    CHECK(join_facilities({"north", "south"}) == "north,south");
}
