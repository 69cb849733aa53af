#include "gateway/admin/dashboard_registry.hpp"

#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::gateway;

TEST_CASE("the registry snapshot lists locked accounts and soon-expiring terminals") {
    using sekisho::store::Device;
    using sekisho::store::DeviceCertificate;
    using sekisho::store::User;
    const sekisho::store::UnixSeconds now = 1'795'320'000;
    User locked;
    locked.id = "alice";
    locked.locked_until = now + 60;
    locked.failed_since_success = 6;
    User free = locked;
    free.id = "bob";
    free.locked_until = now - 60;
    auto device = [](std::string id, std::vector<DeviceCertificate> certs) {
        Device d;
        d.id = std::move(id);
        d.facility = "f";
        d.certificates = std::move(certs);
        return d;
    };
    auto cert = [](std::string serial, sekisho::store::UnixSeconds not_after, bool revoked = false) {
        DeviceCertificate c;
        c.serial_hex = std::move(serial);
        c.not_after = not_after;
        if (revoked) c.revoked_at = not_after - 1;
        return c;
    };
    // Renewed: the old certificate runs out tomorrow, the new one in 400 days.
    const auto renewed = device("dev-1", {cert("01", now + 86400), cert("02", now + 400 * 86400)});
    // Soon: its later certificate was revoked.
    const auto soon = device("dev-2", {cert("03", now + 10 * 86400), cert("04", now + 90 * 86400, true)});
    const auto s = make_registry_snapshot({locked, free}, {renewed, soon}, now);
    REQUIRE(s.locked.size() == 1);
    CHECK(s.locked[0].user == "alice");
    CHECK(s.locked[0].failures_since_success == 6);
    REQUIRE(s.expiring.size() == 1);
    CHECK(s.expiring[0].device_id == "dev-2");
    CHECK(s.expiring[0].serial == "03");
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
