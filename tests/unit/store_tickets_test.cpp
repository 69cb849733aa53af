#include "store_test_support.hpp"

#include "credentials/ticket_code.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;

namespace {

std::string lower_without_dashes(std::string code) {
    std::string out;
    for (char c : code) {
        if (c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

} // namespace

TEST_CASE("a ticket is created with an id, expiry and a code shown once", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto [ticket, code] = registry->create_ticket("north", "ward3-pc1", 3600, "admin:alice");
    CHECK(std::regex_match(ticket.id, std::regex("tkt-[0-9a-f]{16}")));
    CHECK(code.size() == 23);
    CHECK(ticket.expires_at == kStart + 3600);
    CHECK(ticket.max_uses == 1);
    CHECK(ticket.uses == 0);
    CHECK_FALSE(ticket.locked);

    auto read = registry->get_ticket(ticket.id);
    REQUIRE(read);
    CHECK(read->facility == "north");
    CHECK(read->device_name == "ward3-pc1");
    CHECK(read->created_by == "admin:alice");
    CHECK_FALSE(read->device_id);
    CHECK_FALSE(registry->get_ticket("tkt-0000000000000000"));
    CHECK_THROWS_WITH(registry->create_ticket("north", "pc", 0, "admin:alice"), Catch::Contains("lifetime"));
    CHECK_THROWS_WITH(registry->create_ticket("north", "pc", 60, "admin:alice", 0),
                      Catch::Contains("max_uses"));
}

TEST_CASE("the code is never stored, only its salted hash", "[store]") {
    TempRegistry temp;
    std::string code;
    {
        auto registry = temp.open_tickets();
        code = registry->create_ticket("north", "pc", 3600, "admin:alice").second;
        std::string bytes = temp.all_bytes();
        REQUIRE(bytes.find("ticket.create") != std::string::npos); // the scan sees the data
        CHECK(bytes.find(code) == std::string::npos);
        CHECK(bytes.find(sekisho::credentials::normalize_ticket_code(code)) == std::string::npos);
        CHECK(bytes.find(lower_without_dashes(code)) == std::string::npos);
    }
    CHECK(temp.all_bytes().find(sekisho::credentials::normalize_ticket_code(code)) == std::string::npos);
}

TEST_CASE("the right code redeems a ticket once, in any typed form", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto [ticket, code] = registry->create_ticket("north", "pc", 3600, "admin:alice");

    Redemption ok = registry->redeem_ticket(ticket.id, lower_without_dashes(code), "10.0.0.7", kStart + 10);
    CHECK(ok.outcome == RedeemOutcome::ok);
    REQUIRE(ok.ticket);
    CHECK(ok.ticket->uses == 1);
    CHECK(registry->get_ticket(ticket.id)->uses == 1);

    Redemption again = registry->redeem_ticket(ticket.id, code, "10.0.0.7", kStart + 20);
    CHECK(again.outcome == RedeemOutcome::used_up);
    CHECK(registry->get_ticket(ticket.id)->uses == 1);

    Redemption unknown = registry->redeem_ticket("tkt-nope", code, "10.0.0.7", kStart + 20);
    CHECK(unknown.outcome == RedeemOutcome::unknown);
    CHECK_FALSE(unknown.ticket);
}

TEST_CASE("a ticket with several uses counts them down", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto [ticket, code] = registry->create_ticket("north", "pc", 3600, "admin:alice", 2);
    CHECK(registry->redeem_ticket(ticket.id, code, "a", kStart).outcome == RedeemOutcome::ok);
    CHECK(registry->redeem_ticket(ticket.id, code, "a", kStart).outcome == RedeemOutcome::ok);
    CHECK(registry->redeem_ticket(ticket.id, code, "a", kStart).outcome == RedeemOutcome::used_up);
}

TEST_CASE("an expired ticket refuses even the right code", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto [ticket, code] = registry->create_ticket("north", "pc", 3600, "admin:alice");
    Redemption late = registry->redeem_ticket(ticket.id, code, "10.0.0.7", kStart + 3600);
    CHECK(late.outcome == RedeemOutcome::expired);
    CHECK(registry->get_ticket(ticket.id)->uses == 0);
    CHECK(to_string(late.outcome) == "expired");
}

TEST_CASE("wrong codes count as failures and the fifth locks the ticket", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto [ticket, code] = registry->create_ticket("north", "pc", 3600, "admin:alice");

    for (int i = 1; i <= kMaxFailedAttempts; ++i) {
        Redemption wrong =
            registry->redeem_ticket(ticket.id, "AAAAA-AAAAA-AAAAA-AAAAA", "192.0.2.9", kStart + i);
        CHECK(wrong.outcome == RedeemOutcome::wrong_code);
        REQUIRE(wrong.ticket);
        CHECK(wrong.ticket->failed_attempts == i);
        CHECK(wrong.ticket->locked == (i == kMaxFailedAttempts));
    }
    Redemption right = registry->redeem_ticket(ticket.id, code, "192.0.2.9", kStart + 10);
    CHECK(right.outcome == RedeemOutcome::locked);
    CHECK(registry->get_ticket(ticket.id)->uses == 0);
    CHECK(registry->get_ticket(ticket.id)->failed_attempts == kMaxFailedAttempts);

    int failed = 0;
    int locked = 0;
    for (const LedgerEntry& e : temp.open_ledger()->ledger()) {
        if (e.action == "ticket.failed") {
            ++failed;
            CHECK(e.subject == ticket.id);
            CHECK(e.details.find("\"source_address\":\"192.0.2.9\"") != std::string::npos);
        }
        if (e.action == "ticket.locked") ++locked;
    }
    CHECK(failed == kMaxFailedAttempts);
    CHECK(locked == 1);
}

TEST_CASE("a redeemed ticket records the device it enrolled", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& tickets = registry->tickets();
    auto [ticket, code] = tickets.create_ticket("north", "pc", 3600, "admin:alice");
    Device device = registry->devices().create_device("north", "pc", "est:ticket");
    CHECK_THROWS_WITH(tickets.attach_ticket_device(ticket.id, device.id, "est:ticket"),
                      Catch::Contains("not been redeemed"));
    REQUIRE(tickets.redeem_ticket(ticket.id, code, "a", kStart).outcome == RedeemOutcome::ok);
    CHECK_THROWS_WITH(tickets.attach_ticket_device(ticket.id, "dev-nope", "est:ticket"),
                      Catch::Contains("no such device"));
    tickets.attach_ticket_device(ticket.id, device.id, "est:ticket");
    CHECK(tickets.get_ticket(ticket.id)->device_id == device.id);
}

TEST_CASE("listing tickets hides expired ones unless asked", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_tickets();
    auto short_lived = registry->create_ticket("north", "a", 60, "admin:alice").first;
    temp.set_now(kStart + 1);
    auto long_lived = registry->create_ticket("north", "b", 3600, "admin:alice").first;
    temp.set_now(kStart + 61);
    auto current = registry->list_tickets(false);
    REQUIRE(current.size() == 1);
    CHECK(current[0].id == long_lived.id);
    auto all = registry->list_tickets(true);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == long_lived.id); // newest first
    CHECK(all[1].id == short_lived.id);
}

TEST_CASE("a temporary ticket keeps its validity and its device is marked for good", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& tickets = registry->tickets();
    auto& devices = registry->devices();
    auto [ordinary, code1] = tickets.create_ticket("north", "ward3-pc1", 3600, "admin:alice");
    CHECK_FALSE(ordinary.temporary_validity);
    auto [temporary, code2] = tickets.create_ticket("north", "stand-in", 3600, "admin:alice", 1, 86400);
    CHECK(temporary.temporary_validity == 86400);
    auto read = tickets.get_ticket(temporary.id);
    REQUIRE(read);
    CHECK(read->temporary_validity == 86400);
    CHECK_FALSE(tickets.get_ticket(ordinary.id)->temporary_validity);
    for (const auto& listed : tickets.list_tickets(false))
        CHECK(listed.temporary_validity == (listed.id == temporary.id ? std::optional<std::int64_t>(86400) : std::nullopt));
    CHECK_THROWS_WITH(tickets.create_ticket("north", "pc", 60, "admin:alice", 1, 0), Catch::Contains("temporary"));

    const Device stand_in = devices.create_device("north", "stand-in", "est:ticket", true);
    const Device plain = devices.create_device("north", "ward3-pc1", "est:ticket");
    CHECK(stand_in.temporary);
    devices.add_certificate(stand_in.id, sekisho::store::test::test_certificate(1), "est:ticket");
    devices.add_certificate(plain.id, sekisho::store::test::test_certificate(2), "est:ticket");
    CHECK(devices.get_device(stand_in.id)->temporary);
    CHECK_FALSE(devices.get_device(plain.id)->temporary);
    CHECK(devices.list_devices().size() == 2);
    const std::vector<std::string> marked_certificates{sekisho::store::test::test_certificate(1).fingerprint_sha256};
    CHECK(devices.temporary_fingerprints() == marked_certificates);
    devices.set_status(stand_in.id, DeviceStatus::revoked, "keyCompromise", "admin:alice");
    CHECK(devices.temporary_fingerprints() == marked_certificates); // still marked once revoked
    const auto ledger = registry->ledger().ledger(0, 100);
    bool marked = false;
    for (const auto& e : ledger)
        if (e.action == "device.create" && e.subject == stand_in.id) marked = e.details.find("\"temporary\":1") != std::string::npos;
    CHECK(marked);
}
