#include "gateway/admin/dashboard_registry.hpp"

#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::gateway;

TEST_CASE("a terminal is expiring by its longest-lived unrevoked certificate, and only while active") {
    using namespace sekisho::store;
    test::TempRegistry temp;
    const auto now = system_clock_now();
    temp.set_now(now);
    auto devices = temp.open();
    // Renewed: the old certificate runs out tomorrow, the new one in 400 days.
    const auto renewed = devices->create_device("north", "renewed", "admin:alice");
    devices->add_certificate(renewed.id, test::test_certificate(1, now + 86400), "admin:alice");
    devices->add_certificate(renewed.id, test::test_certificate(2, now + 400 * 86400), "admin:alice");
    // Soon: its later certificate was revoked.
    const auto soon = devices->create_device("north", "soon", "admin:alice");
    devices->add_certificate(soon.id, test::test_certificate(3, now + 10 * 86400), "admin:alice");
    devices->add_certificate(soon.id, test::test_certificate(4, now + 90 * 86400), "admin:alice");
    devices->revoke_certificate(test::test_certificate(4).serial_hex, "keyCompromise", "admin:alice");
    // Suspended: not a working terminal, so not listed.
    const auto parked = devices->create_device("north", "parked", "admin:alice");
    devices->add_certificate(parked.id, test::test_certificate(5, now + 86400), "admin:alice");
    devices->set_status(parked.id, DeviceStatus::suspended, "repair", "admin:alice");

    const auto registry = temp.open_registry();
    RegistrySnapshotSource source(registry->users(), registry->devices());
    const auto snap = source.current();
    REQUIRE(snap->expiring.size() == 1);
    CHECK(snap->expiring[0].device_id == soon.id);
    CHECK(snap->expiring[0].serial == test::test_certificate(3).serial_hex);
    CHECK_FALSE(snap->expiring_truncated);
}

TEST_CASE("the dashboard lists the soonest expiring terminals and says when there are more") {
    using namespace sekisho::store;
    test::TempRegistry temp;
    const auto now = system_clock_now();
    temp.set_now(now);
    auto devices = temp.open();
    std::vector<DeviceImport> batch;
    for (int n = 1; n <= static_cast<int>(kMostExpiringListed) + 5; ++n) {
        DeviceImport d;
        d.facility = "north";
        d.name = "pc-" + std::to_string(n);
        d.certificates.push_back(test::test_certificate(n, now + 3600 * n));
        batch.push_back(std::move(d));
    }
    devices->import_devices(batch, "admin:fleet");
    const auto registry = temp.open_registry();
    RegistrySnapshotSource source(registry->users(), registry->devices());
    const auto snap = source.current();
    REQUIRE(snap->expiring.size() == kMostExpiringListed);
    CHECK(snap->expiring_truncated);
    CHECK(snap->expiring.front().not_after == now + 3600);
    CHECK(snap->expiring.back().not_after == now + 3600 * static_cast<int>(kMostExpiringListed));
}

TEST_CASE("the snapshot source reads locks and expiring certificates from a real registry") {
    using namespace sekisho::store;
    test::TempRegistry temp;
    const auto now = system_clock_now(); // the source judges locks and expiry by the real clock
    temp.set_now(now);
    auto users = temp.open_users();
    auto logins = temp.open_logins();
    test::make_nurse(*users, "locked.nurse");
    test::make_nurse(*users, "free.nurse");
    for (int i = 0; i < 5; ++i)
        logins->record_login_failure("locked.nurse", "10.0.0.9", now, LockoutPolicy{});
    auto devices = temp.open();
    const auto soon = devices->create_device("north", "ward-3 cart", "admin:alice");
    devices->add_certificate(soon.id, test::test_certificate(1, now + 5 * 86400), "admin:alice");
    const auto later = devices->create_device("north", "desk", "admin:alice");
    devices->add_certificate(later.id, test::test_certificate(2, now + 300 * 86400), "admin:alice");

    const auto registry = temp.open_registry();
    RegistrySnapshotSource source(registry->users(), registry->devices());
    auto snap = source.current();
    REQUIRE(snap);
    CHECK(snap->error.empty());
    REQUIRE(snap->locked.size() == 1);
    CHECK(snap->locked[0].user == "locked.nurse");
    CHECK(snap->locked[0].facility == "north");
    CHECK(snap->locked[0].failures_since_success == 5);
    REQUIRE(snap->expiring.size() == 1);
    CHECK(snap->expiring[0].device_id == soon.id);
    CHECK(snap->expiring[0].name == "ward-3 cart");
    CHECK(snap->expiring[0].not_after == now + 5 * 86400);

    logins->unlock("locked.nurse", "admin:alice");
    source.refresh();
    CHECK(source.current()->locked.empty());
}
