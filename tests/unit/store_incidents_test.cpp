// Incident records in the registry (issue 16 item 6) on either backend: opened, noted, tied
// to alert records of the audit trail and closed, each change in the ledger with its actor;
// a closed incident takes nothing more, and an alert is linked once however often it is given.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using namespace sekisho::store::test;

namespace {

IncidentAlert alert(std::int64_t seq, const std::string& rule, const std::string& facilities) {
    IncidentAlert a;
    a.audit_seq = seq;
    a.record_sha256 = std::string(63, '0') + std::to_string(seq % 10);
    a.fired_at = "2023-11-15T07:13:" + std::to_string(10 + seq) + "+09:00";
    a.rule = rule;
    a.facilities = facilities;
    a.summary = rule + " at " + facilities;
    return a;
}

} // namespace

TEST_CASE("an incident is opened, noted, linked to alerts and closed, each step in the ledger", "[store][incidents]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& incidents = registry->incidents();
    const Incident opened = incidents.open_incident("Password guessing at the north clinic", "north", "high",
                                                    "admin:alice");
    CHECK(opened.id.starts_with("inc-"));
    CHECK(opened.opened_at == kStart);

    temp.set_now(kStart + 60);
    incidents.add_note(opened.id, "called the ward: nobody at terminal 3 at that time", "admin:bob");
    temp.set_now(kStart + 120);
    CHECK(incidents.link_alerts(opened.id, {alert(7, "login_failures", "north"), alert(9, "lockout", "north")},
                                "admin:bob") == 2);
    CHECK(incidents.link_alerts(opened.id, {alert(9, "lockout", "north")}, "admin:bob") == 0); // already there
    temp.set_now(kStart + 180);
    incidents.close_incident(opened.id, "terminal 3 re-imaged, password reset", "admin:alice");

    const auto record = incidents.get_incident(opened.id);
    REQUIRE(record);
    CHECK(record->incident.title == "Password guessing at the north clinic");
    CHECK(record->incident.facility == "north");
    CHECK(record->incident.severity == "high");
    CHECK(record->incident.opened_by == "admin:alice");
    CHECK(record->incident.closed_at == kStart + 180);
    CHECK(record->incident.closed_by == "admin:alice");
    CHECK(record->incident.resolution == "terminal 3 re-imaged, password reset");
    REQUIRE(record->notes.size() == 1);
    CHECK(record->notes[0].actor == "admin:bob");
    CHECK(record->notes[0].at == kStart + 60);
    REQUIRE(record->alerts.size() == 2);
    CHECK(record->alerts[0].audit_seq == 7);
    CHECK(record->alerts[1].rule == "lockout");
    CHECK(record->alerts[1].linked_by == "admin:bob");

    std::vector<std::string> actions, actors;
    for (const auto& entry : registry->ledger().ledger()) {
        CHECK(entry.subject == opened.id);
        actions.push_back(entry.action);
        actors.push_back(entry.actor);
    }
    CHECK(actions == std::vector<std::string>{"incident.open", "incident.note", "incident.link", "incident.close"});
    CHECK(actors == std::vector<std::string>{"admin:alice", "admin:bob", "admin:bob", "admin:alice"});
}

TEST_CASE("a closed or unknown incident takes no note, link or second closing", "[store][incidents]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& incidents = registry->incidents();
    const auto id = incidents.open_incident("Stolen tablet", "", "critical", "admin:alice").id;
    incidents.close_incident(id, "revoked, found", "admin:alice");
    CHECK_THROWS_WITH(incidents.add_note(id, "late", "admin:bob"), Catch::Contains(id) && Catch::Contains("closed"));
    CHECK_THROWS_WITH(incidents.link_alerts(id, {alert(1, "revoked_certificate", "")}, "admin:bob"),
                      Catch::Contains("closed"));
    CHECK_THROWS_WITH(incidents.close_incident(id, "again", "admin:bob"), Catch::Contains("closed"));
    CHECK_THROWS_WITH(incidents.add_note("inc-0000000000000000", "x", "admin:bob"),
                      Catch::Contains("no such incident"));
    CHECK_FALSE(incidents.get_incident("inc-0000000000000000"));
    CHECK_THROWS_WITH(incidents.open_incident("x", "", "severe", "admin:bob"), Catch::Contains("severity 'severe'"));
    CHECK_THROWS_WITH(incidents.open_incident("", "", "low", "admin:bob"), Catch::Contains("title"));
    CHECK_THROWS_WITH(incidents.open_incident("x", "", "low", ""), Catch::Contains("actor"));
    CHECK(registry->ledger().ledger().size() == 2); // the refusals wrote nothing
}

TEST_CASE("incidents are listed newest first, the open ones alone on request", "[store][incidents]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& incidents = registry->incidents();
    const auto first = incidents.open_incident("first", "north", "low", "admin:alice").id;
    temp.set_now(kStart + 10);
    const auto second = incidents.open_incident("second", "south", "medium", "admin:alice").id;
    incidents.close_incident(first, "done", "admin:alice");
    const auto all = incidents.list_incidents(false);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == second);
    CHECK(all[1].id == first);
    const auto open = incidents.list_incidents(true);
    REQUIRE(open.size() == 1);
    CHECK(open[0].id == second);
}
