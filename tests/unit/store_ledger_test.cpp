#include "store_test_support.hpp"

#include "store/sqlite/sqlite_db.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

TEST_CASE("every change leaves one ledger entry, in order", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto& tickets = registry->tickets();
    auto& ledger = registry->ledger();
    Device d = devices.create_device("north", "pc", "admin:alice");
    devices.add_certificate(d.id, test_certificate(1), "est:ticket");
    devices.add_certificate(d.id, test_certificate(2), "est:renew");
    devices.revoke_certificate(test_certificate(1).serial_hex, "superseded", "est:renew");
    devices.set_status(d.id, DeviceStatus::suspended, "lost on ward 3", "admin:bob");
    devices.set_status(d.id, DeviceStatus::active, "found", "admin:bob");
    devices.set_status(d.id, DeviceStatus::revoked, "cessationOfOperation", "admin:bob");
    auto [ticket, code] = tickets.create_ticket("north", "pc2", 60, "admin:carol");
    tickets.redeem_ticket(ticket.id, code, "10.1.2.3", kStart + 1);
    tickets.attach_ticket_device(ticket.id, d.id, "est:ticket");

    auto entries = ledger.ledger();
    std::vector<std::string> actions;
    for (const LedgerEntry& e : entries)
        actions.push_back(e.action);
    CHECK(actions == std::vector<std::string>{"device.create", "certificate.add", "certificate.add",
                                              "certificate.revoke", "device.suspend", "device.resume",
                                              "device.revoke", "certificate.revoke", "ticket.create",
                                              "ticket.use", "ticket.attach"});
    for (std::size_t i = 1; i < entries.size(); ++i)
        CHECK(entries[i].seq > entries[i - 1].seq);

    const LedgerEntry& suspend = entries[4];
    CHECK(suspend.actor == "admin:bob");
    CHECK(suspend.subject == d.id);
    CHECK(suspend.reason == "lost on ward 3");
    CHECK(suspend.at == kStart);
    CHECK(suspend.details == R"({"from":"active","to":"suspended"})");
    CHECK(entries[7].reason == "cessationOfOperation");
    CHECK(entries[7].details.find(test_certificate(2).serial_hex) != std::string::npos);
    CHECK(entries[9].details.find("10.1.2.3") != std::string::npos);

    // Paging: since_seq and limit.
    auto page = ledger.ledger(entries[2].seq, 3);
    REQUIRE(page.size() == 3);
    CHECK(page[0].seq == entries[3].seq);
    CHECK(ledger.ledger(entries.back().seq).empty());
}

TEST_CASE("refused operations leave no ledger entry", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto& tickets = registry->tickets();
    auto& ledger = registry->ledger();
    Device d = devices.create_device("north", "pc", "admin:alice");
    devices.set_status(d.id, DeviceStatus::revoked, "", "admin:alice");
    std::size_t before = ledger.ledger().size();
    CHECK_THROWS(devices.set_status(d.id, DeviceStatus::active, "", "admin:alice"));
    CHECK_THROWS(devices.add_certificate(d.id, test_certificate(1), "admin:alice"));
    auto [ticket, code] = tickets.create_ticket("north", "pc", 60, "admin:alice");
    tickets.redeem_ticket(ticket.id, code, "a", kStart + 60); // expired: nothing changes
    CHECK(ledger.ledger().size() == before + 1);              // only ticket.create
}

TEST_CASE("the ledger refuses UPDATE and DELETE of its rows", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto& ledger = registry->ledger();
    devices.create_device("north", "pc", "admin:alice");

    CHECK_THROWS_WITH(temp.raw_exec("UPDATE ledger SET actor = 'nobody'"), Catch::Contains("append-only"));
    CHECK_THROWS_WITH(temp.raw_exec("DELETE FROM ledger"), Catch::Contains("append-only"));
    auto entries = ledger.ledger();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].actor == "admin:alice");
}
