// Several gateways on one registry: two handles (as two instances, or a gateway and
// sekishoctl, would hold) racing on the rules that must hold under concurrent writers.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;

TEST_CASE("a ticket raced by two instances is redeemed once", "[store][race]") {
    TempRegistry temp;
    auto a = temp.open_tickets();
    auto b = temp.open_tickets();
    for (int round = 0; round < 5; ++round) {
        auto [ticket, code] = a->create_ticket("north", "pc", 3600, "admin:alice");
        std::atomic<int> ok{0}, used_up{0};
        auto redeem = [&, id = ticket.id, code = code](TicketRegistry& registry) {
            for (int i = 0; i < 4; ++i) {
                const auto outcome = registry.redeem_ticket(id, code, "10.0.0.1", kStart).outcome;
                if (outcome == RedeemOutcome::ok) ++ok;
                if (outcome == RedeemOutcome::used_up) ++used_up;
            }
        };
        std::thread first(redeem, std::ref(*a));
        std::thread second(redeem, std::ref(*b));
        first.join();
        second.join();
        CHECK(ok == 1);
        CHECK(used_up == 7);
        CHECK(a->get_ticket(ticket.id)->uses == 1);
    }
}

TEST_CASE("wrong passwords split over two instances lock the account at the fifth", "[store][race]") {
    TempRegistry temp;
    auto a = temp.open_registry();
    auto b = temp.open_registry();
    sekisho::store::test::make_nurse(a->users());
    std::atomic<int> locked_by{0};
    std::vector<int> counts(10);
    auto fail = [&](LoginRecords& logins, int first) {
        for (int i = first; i < 10; i += 2) {
            const auto result = logins.record_login_failure("yamada.hanako", "10.0.0.2", kStart, {});
            counts[static_cast<std::size_t>(i)] = result.failures_in_window;
            if (result.locked_until && result.failures_in_window == 5) ++locked_by;
        }
    };
    std::thread first(fail, std::ref(a->logins()), 0);
    std::thread second(fail, std::ref(b->logins()), 1);
    first.join();
    second.join();
    CHECK(locked_by == 1); // exactly one failure was the fifth
    const auto user = b->users().get_user("yamada.hanako");
    REQUIRE(user);
    CHECK(user->locked_until == kStart + LockoutPolicy{}.lock_seconds);
    CHECK(user->failed_since_success == 10);
}

TEST_CASE("a device revoked through one instance is no longer admitted by the other", "[store][race]") {
    TempRegistry temp;
    auto a = temp.open();
    auto b = temp.open();
    const Device device = a->create_device("north", "pc", "admin:alice");
    a->add_certificate(device.id, sekisho::store::test::test_certificate(1), "est:ticket");
    const auto seen = b->revision();
    CHECK(b->active_fingerprints().size() == 1);
    a->set_status(device.id, DeviceStatus::revoked, "keyCompromise", "admin:alice");
    CHECK(b->revision() > seen);
    CHECK(b->active_fingerprints().empty());
}
