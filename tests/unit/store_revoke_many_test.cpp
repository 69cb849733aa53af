// Mass revocation (DeviceRegistry::revoke_many): by issuing CA, facility and issue date, as
// one transaction with one revision increment; a dry run lists the same and writes nothing.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

namespace {

RevocationCriteria by_issuer(const std::string& issuer) {
    RevocationCriteria c;
    c.issuer = issuer;
    return c;
}

RevocationCriteria by_facility(const std::string& facility) {
    RevocationCriteria c;
    c.facility = facility;
    return c;
}

} // namespace

TEST_CASE("revoke_many by facility revokes its devices and closes nothing elsewhere", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device a = registry->create_device("north", "a", "admin:alice");
    Device b = registry->create_device("north", "b", "admin:alice");
    Device bare = registry->create_device("north", "never-enrolled", "admin:alice");
    Device south = registry->create_device("south", "c", "admin:alice");
    registry->add_certificate(a.id, test_certificate(1), "admin:alice");
    registry->add_certificate(b.id, test_certificate(2), "admin:alice");
    registry->add_certificate(south.id, test_certificate(3), "admin:alice");
    registry->set_status(b.id, DeviceStatus::suspended, "on repair", "admin:alice");
    const std::int64_t revision = registry->revision();
    const std::size_t ledger_rows = temp.open_ledger()->ledger().size();
    const std::int64_t last_seq = temp.open_ledger()->ledger().back().seq;

    const MassRevocation preview = registry->revoke_many(by_facility("north"), "affiliationChanged", "admin:bob", true);
    CHECK(preview.dry_run);
    REQUIRE(preview.devices.size() == 3);
    CHECK(preview.certificate_count() == 2);
    CHECK(registry->revision() == revision); // nothing written
    CHECK(temp.open_ledger()->ledger().size() == ledger_rows);
    CHECK(registry->get_device(a.id)->status == DeviceStatus::active);

    temp.set_now(kStart + 30);
    const MassRevocation done = registry->revoke_many(by_facility("north"), "affiliationChanged", "admin:bob", false);
    CHECK_FALSE(done.dry_run);
    REQUIRE(done.devices.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) { // the dry run listed exactly what was revoked
        CHECK(done.devices[i].device_id == preview.devices[i].device_id);
        CHECK(done.devices[i].serials == preview.devices[i].serials);
        CHECK(done.devices[i].device_revoked);
    }
    CHECK(registry->revision() == revision + 1);
    for (const Device& d : {a, b, bare}) {
        const auto now = registry->get_device(d.id);
        CHECK(now->status == DeviceStatus::revoked);
        CHECK(now->updated_by == "admin:bob");
        for (const auto& cert : now->certificates) {
            CHECK(cert.revoked_at == kStart + 30);
            CHECK(cert.status_reason == "affiliationChanged");
        }
    }
    CHECK(registry->get_device(south.id)->status == DeviceStatus::active);
    CHECK(registry->active_fingerprints() == std::vector<std::string>{test_certificate(3).fingerprint_sha256});

    // Per device: device.revoke (with the criteria) and certificate.revoke, by the actor.
    std::size_t device_rows = 0, certificate_rows = 0;
    for (const LedgerEntry& e : temp.open_ledger()->ledger(last_seq, 1000)) {
        CHECK(e.actor == "admin:bob");
        CHECK(e.reason == "affiliationChanged");
        if (e.action == "device.revoke") {
            ++device_rows;
            CHECK(e.details.find("facility=north") != std::string::npos);
        }
        if (e.action == "certificate.revoke") ++certificate_rows;
    }
    CHECK(device_rows == 3);
    CHECK(certificate_rows == 2);

    // Again: nothing is left to revoke, and nothing changes.
    CHECK(registry->revoke_many(by_facility("north"), "affiliationChanged", "admin:bob", false).devices.empty());
    CHECK(registry->revision() == revision + 1);
}

TEST_CASE("revoke_many by issuer takes only that CA's certificates, and a renewed device stays", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device straggler = registry->create_device("north", "straggler", "admin:alice");
    Device renewed = registry->create_device("north", "renewed", "admin:alice");
    Device fresh = registry->create_device("south", "fresh", "admin:alice");
    registry->add_certificate(straggler.id, test_certificate(1, kStart + 365 * 86400, "Old CA"), "admin:alice");
    registry->add_certificate(renewed.id, test_certificate(2, kStart + 365 * 86400, "Old CA"), "admin:alice");
    registry->add_certificate(renewed.id, test_certificate(3, kStart + 365 * 86400, "New CA"), "est:renewal");
    registry->add_certificate(fresh.id, test_certificate(4, kStart + 365 * 86400, "New CA"), "est:t1");
    // An old certificate that has expired is admitted by nothing and left alone.
    Device expired = registry->create_device("north", "expired", "admin:alice");
    registry->add_certificate(expired.id, test_certificate(5, kStart + 10, "Old CA"), "admin:alice");
    registry->add_certificate(expired.id, test_certificate(6, kStart + 365 * 86400, "New CA"), "admin:alice");
    temp.set_now(kStart + 100);

    const MassRevocation done = registry->revoke_many(by_issuer("Old CA"), "cACompromise", "admin:bob", false);
    REQUIRE(done.devices.size() == 2);
    CHECK(done.devices[0].device_id == renewed.id); // by facility, then name
    CHECK_FALSE(done.devices[0].device_revoked);
    CHECK(done.devices[0].serials == std::vector<std::string>{test_certificate(2).serial_hex});
    CHECK(done.devices[1].device_id == straggler.id);
    CHECK(done.devices[1].device_revoked);

    CHECK(registry->get_device(straggler.id)->status == DeviceStatus::revoked);
    CHECK(registry->get_device(renewed.id)->status == DeviceStatus::active);
    CHECK(registry->get_device(expired.id)->status == DeviceStatus::active);
    CHECK(registry->active_fingerprints() ==
          std::vector<std::string>{test_certificate(3).fingerprint_sha256, test_certificate(4).fingerprint_sha256,
                                   test_certificate(6).fingerprint_sha256});
    auto crl = registry->revoked_serials("Old CA");
    REQUIRE(crl.size() == 2);
    CHECK(crl[0].reason == "cACompromise");
    CHECK(registry->revoked_serials("New CA").empty());
}

TEST_CASE("revoke_many combines its criteria and refuses none or a wrong reason", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device old_north = registry->create_device("north", "old", "admin:alice");
    Device new_north = registry->create_device("north", "new", "admin:alice");
    Device old_south = registry->create_device("south", "old", "admin:alice");
    registry->add_certificate(old_north.id, test_certificate(1), "admin:alice");
    DeviceCertificate late = test_certificate(2);
    late.issued_at = kStart + 5000;
    registry->add_certificate(new_north.id, late, "admin:alice");
    registry->add_certificate(old_south.id, test_certificate(3), "admin:alice");

    RevocationCriteria c;
    c.facility = "north";
    c.issued_before = kStart + 1000;
    c.issuer = "Device CA";
    const MassRevocation done = registry->revoke_many(c, "keyCompromise", "admin:bob", false);
    REQUIRE(done.devices.size() == 1);
    CHECK(done.devices[0].device_id == old_north.id);
    CHECK(registry->get_device(new_north.id)->status == DeviceStatus::active);
    CHECK(registry->get_device(old_south.id)->status == DeviceStatus::active);

    const std::int64_t revision = registry->revision();
    CHECK_THROWS_WITH(registry->revoke_many(RevocationCriteria{}, "keyCompromise", "admin:bob", false),
                      Catch::Contains("no criterion"));
    CHECK_THROWS_WITH(registry->revoke_many(by_facility("south"), "stolen", "admin:bob", false),
                      Catch::Contains("not a revocation reason"));
    CHECK_THROWS_WITH(registry->revoke_many(by_facility("south"), "keyCompromise", "", false),
                      Catch::Contains("actor"));
    CHECK(registry->revision() == revision);
    CHECK(registry->get_device(old_south.id)->status == DeviceStatus::active);
}
