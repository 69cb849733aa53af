// `sekishoctl store copy`: an installation's SQLite registry moved into the backend under test
// (PostgreSQL in the suite's second run) keeps every terminal, user, hash and ledger entry.
#include "store_test_support.hpp"

#include "credentials/password_hash.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using sekisho::store::test::fast_hash;
using sekisho::store::test::kStart;
using sekisho::store::test::make_nurse;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

namespace {

// A registry with something of everything: devices active, suspended and revoked, renewed
// certificates, tickets used and fresh, users with histories, failures and break-glass.
void populate(TempRegistry& temp) {
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto& tickets = registry->tickets();
    auto& users = registry->users();
    auto& logins = registry->logins();
    auto& break_glass = registry->break_glass();
    for (int i = 0; i < 4; ++i) {
        const Device d = devices.create_device(i % 2 ? "north" : "south", "pc" + std::to_string(i), "admin:alice");
        devices.add_certificate(d.id, test_certificate(2 * i), "est:ticket");
        devices.add_certificate(d.id, test_certificate(2 * i + 1), "est:renewal");
        if (i == 1) devices.set_status(d.id, DeviceStatus::suspended, "lost", "admin:alice");
        if (i == 2) devices.set_status(d.id, DeviceStatus::revoked, "keyCompromise", "admin:alice");
        if (i == 3) devices.revoke_certificate(test_certificate(2 * i).serial_hex, "superseded", "admin:alice");
    }
    auto [used, code] = tickets.create_ticket("north", "cart", 3600, "admin:alice");
    tickets.redeem_ticket(used.id, "WRONG-WRONG-WRONG-WRONG", "10.0.0.1", kStart);
    tickets.redeem_ticket(used.id, code, "10.0.0.1", kStart);
    tickets.attach_ticket_device(used.id, devices.list_devices()[0].id, "est:ticket");
    tickets.create_ticket("south", "tablet", 3600, "admin:alice", 3);
    make_nurse(users);
    users.set_password("yamada.hanako", fast_hash("Second-Pass-2"), false, "user:yamada.hanako", "", PasswordChange::by_user);
    logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart, {});
    make_nurse(users, "Sato.Kenji", "south");
    break_glass.set_break_glass_account("Sato.Kenji", true, "on-call doctor", "admin:alice");
    break_glass.set_break_glass_period("Sato.Kenji", kStart + 3600, "ward outage", "admin:alice");
    users.set_status("Sato.Kenji", UserStatus::disabled, "left", "admin:alice");
    auto& incidents = registry->incidents();
    const auto incident = incidents.open_incident("Sato left, account misused?", "south", "high", "admin:alice");
    incidents.add_note(incident.id, "checked the break-glass period", "admin:bob");
    IncidentAlert alert;
    alert.audit_seq = 42;
    alert.record_sha256 = std::string(64, 'a');
    alert.fired_at = "2023-11-15T07:13:20.000+09:00";
    alert.rule = "break_glass";
    alert.facilities = "south";
    incidents.link_alerts(incident.id, {alert}, "admin:bob");
}

} // namespace

TEST_CASE("a copied registry admits, logs in and continues its ledger as the original", "[store][copy]") {
    TempRegistry source(TempRegistry::Backend::sqlite);
    populate(source);
    TempRegistry target;
    const CopyReport report = copy_registry(source.config(), target.config());
    CHECK(report.from == source.location());
    CHECK(report.to == target.location());

    auto before = source.open_registry();
    auto after = target.open_registry();
    CHECK(report.revision == before->devices().revision());
    CHECK(after->devices().revision() == before->devices().revision());
    CHECK(after->devices().active_fingerprints() == before->devices().active_fingerprints());
    CHECK(after->devices().revoked_serials("Device CA").size() == before->devices().revoked_serials("Device CA").size());
    const auto devices_before = before->devices().list_devices();
    const auto devices_after = after->devices().list_devices();
    REQUIRE(devices_after.size() == devices_before.size());
    for (std::size_t i = 0; i < devices_before.size(); ++i) {
        CHECK(devices_after[i].id == devices_before[i].id);
        CHECK(devices_after[i].status == devices_before[i].status);
        CHECK(devices_after[i].certificates.size() == devices_before[i].certificates.size());
    }
    const auto tickets = after->tickets().list_tickets(true);
    REQUIRE(tickets.size() == 2);
    CHECK(before->tickets().list_tickets(true)[1].failed_attempts == tickets[1].failed_attempts);

    const auto user = after->users().get_user("YAMADA.hanako");
    REQUIRE(user);
    CHECK(sekisho::credentials::verify_password("Second-Pass-2", user->password_hash));
    CHECK(after->users().password_history("yamada.hanako") == before->users().password_history("yamada.hanako"));
    CHECK(user->failed_since_success == 1);
    const auto sato = after->users().get_user("sato.kenji");
    REQUIRE(sato);
    CHECK(sato->id == "Sato.Kenji");
    CHECK(sato->status == UserStatus::disabled);
    CHECK(sato->break_glass_until == kStart + 3600);
    CHECK(sato->session_epoch == before->users().get_user("Sato.Kenji")->session_epoch);

    const auto ledger_before = before->ledger().ledger(0, 100000);
    auto ledger_after = after->ledger().ledger(0, 100000);
    REQUIRE(ledger_after.size() == ledger_before.size());
    CHECK(ledger_after.back().seq == report.last_ledger_seq);
    for (std::size_t i = 0; i < ledger_before.size(); ++i) {
        CHECK(ledger_after[i].seq == ledger_before[i].seq);
        CHECK(ledger_after[i].details == ledger_before[i].details);
    }
    // Incidents come along with their notes and linked alerts.
    const auto incidents = after->incidents().list_incidents(false);
    REQUIRE(incidents.size() == 1);
    const auto incident = after->incidents().get_incident(incidents[0].id);
    REQUIRE(incident);
    CHECK(incident->notes.size() == 1);
    REQUIRE(incident->alerts.size() == 1);
    CHECK(incident->alerts[0].audit_seq == 42);
    after->incidents().add_note(incident->incident.id, "after the move", "admin:alice"); // its sequence continues

    // Life goes on in the copy: sequences continue after the copied rows.
    after->users().set_password("yamada.hanako", fast_hash("Third-Pass-3"), false, "user:yamada.hanako", "",
                                PasswordChange::by_user);
    after->devices().create_device("east", "new-pc", "admin:alice");
    ledger_after = after->ledger().ledger(report.last_ledger_seq, 10);
    REQUIRE(ledger_after.size() == 3);
    CHECK(ledger_after[0].seq == report.last_ledger_seq + 1);
    CHECK(after->users().password_history("yamada.hanako").size() == 3);
}

TEST_CASE("a copy into a registry that holds anything is refused and changes nothing", "[store][copy]") {
    TempRegistry source(TempRegistry::Backend::sqlite);
    populate(source);
    TempRegistry target;
    target.open()->create_device("east", "already-here", "admin:bob");
    CHECK_THROWS_WITH(copy_registry(source.config(), target.config()), Catch::Contains("not empty"));
    CHECK(target.open()->list_devices().size() == 1);
    CHECK(target.open_ledger()->ledger().size() == 1);
    CHECK_THROWS_WITH(copy_registry(source.config(), source.config()), Catch::Contains("onto itself"));
}
