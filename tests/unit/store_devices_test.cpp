#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <regex>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

TEST_CASE("device status names round-trip and unknown names are refused", "[store]") {
    for (DeviceStatus s : {DeviceStatus::active, DeviceStatus::suspended, DeviceStatus::revoked}) {
        CHECK(parse_device_status(to_string(s)) == s);
    }
    CHECK_THROWS_WITH(parse_device_status("lost"), Catch::Contains("lost"));
}

TEST_CASE("a new device is active, carries who and when, and can be read back", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device created = registry->create_device("tokyo-central", "ward3-pc1", "admin:alice");
    CHECK(std::regex_match(created.id, std::regex("dev-[0-9a-f]{16}")));
    CHECK(created.status == DeviceStatus::active);
    CHECK(created.created_at == kStart);
    CHECK(created.created_by == "admin:alice");

    auto read = registry->get_device(created.id);
    REQUIRE(read);
    CHECK(read->facility == "tokyo-central");
    CHECK(read->name == "ward3-pc1");
    CHECK(read->updated_by == "admin:alice");
    CHECK(read->certificates.empty());
    CHECK_FALSE(registry->get_device("dev-0000000000000000"));
    CHECK_THROWS_WITH(registry->create_device("", "x", "admin:alice"), Catch::Contains("facility"));
}

TEST_CASE("devices are listed by facility and status", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device a = registry->create_device("north", "a", "admin:alice");
    Device b = registry->create_device("north", "b", "admin:alice");
    registry->create_device("south", "c", "admin:alice");
    registry->set_status(b.id, DeviceStatus::suspended, "on repair", "admin:alice");

    CHECK(registry->list_devices().size() == 3);
    auto north = registry->list_devices(std::string("north"));
    REQUIRE(north.size() == 2);
    CHECK(north[0].id == a.id);
    auto suspended = registry->list_devices(std::nullopt, DeviceStatus::suspended);
    REQUIRE(suspended.size() == 1);
    CHECK(suspended[0].id == b.id);
    CHECK(registry->list_devices(std::string("south"), DeviceStatus::suspended).empty());
}

TEST_CASE("active and suspended alternate; revoked is final", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device d = registry->create_device("north", "pc", "admin:alice");

    registry->set_status(d.id, DeviceStatus::suspended, "lost", "admin:bob");
    CHECK(registry->get_device(d.id)->status == DeviceStatus::suspended);
    CHECK(registry->get_device(d.id)->updated_by == "admin:bob");
    registry->set_status(d.id, DeviceStatus::active, "found", "admin:bob");
    CHECK(registry->get_device(d.id)->status == DeviceStatus::active);
    CHECK_THROWS_WITH(registry->set_status(d.id, DeviceStatus::active, "", "admin:bob"),
                      Catch::Contains("already active"));

    CHECK_THROWS_WITH(registry->set_status(d.id, DeviceStatus::revoked, "stolen", "admin:bob"),
                      Catch::Contains("not a revocation reason"));
    registry->set_status(d.id, DeviceStatus::revoked, "keyCompromise", "admin:bob");
    CHECK(registry->get_device(d.id)->status == DeviceStatus::revoked);
    for (DeviceStatus s : {DeviceStatus::active, DeviceStatus::suspended, DeviceStatus::revoked}) {
        CHECK_THROWS_WITH(registry->set_status(d.id, s, "", "admin:bob"),
                          Catch::Contains(d.id) && Catch::Contains("final"));
    }
    CHECK_THROWS_WITH(registry->set_status("dev-nope", DeviceStatus::suspended, "", "admin:bob"),
                      Catch::Contains("dev-nope") && Catch::Contains("no such device"));
}

TEST_CASE("certificates attach to a device and find it by fingerprint", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device d = registry->create_device("north", "pc", "admin:alice");
    DeviceCertificate cert = test_certificate(1);
    registry->add_certificate(d.id, cert, "est:ticket");

    auto found = registry->find_device_by_fingerprint(cert.fingerprint_sha256);
    REQUIRE(found);
    CHECK(found->id == d.id);
    REQUIRE(found->certificates.size() == 1);
    CHECK(found->certificates[0].serial_hex == cert.serial_hex);
    CHECK(found->certificates[0].not_after == cert.not_after);
    CHECK(found->certificates[0].issuer == "Device CA");
    CHECK_FALSE(found->certificates[0].revoked_at);
    // Fingerprints are matched whatever the case they are typed in.
    std::string upper_fp = cert.fingerprint_sha256;
    for (char& c : upper_fp)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(registry->find_device_by_fingerprint(upper_fp));
    CHECK_FALSE(registry->find_device_by_fingerprint(test_certificate(2).fingerprint_sha256));
    CHECK_THROWS_WITH(registry->find_device_by_fingerprint("abc"), Catch::Contains("64 hex"));
}

TEST_CASE("serials and fingerprints are unique; bad certificates are refused", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device a = registry->create_device("north", "a", "admin:alice");
    Device b = registry->create_device("north", "b", "admin:alice");
    registry->add_certificate(a.id, test_certificate(1), "admin:alice");

    DeviceCertificate same_serial = test_certificate(2);
    same_serial.serial_hex = test_certificate(1).serial_hex;
    CHECK_THROWS_WITH(registry->add_certificate(b.id, same_serial, "admin:alice"),
                      Catch::Contains("serial") && Catch::Contains(a.id));
    DeviceCertificate same_fp = test_certificate(3);
    same_fp.fingerprint_sha256 = test_certificate(1).fingerprint_sha256;
    CHECK_THROWS_WITH(registry->add_certificate(b.id, same_fp, "admin:alice"),
                      Catch::Contains("fingerprint") && Catch::Contains(a.id));

    CHECK_THROWS_WITH(registry->add_certificate("dev-nope", test_certificate(4), "admin:alice"),
                      Catch::Contains("no such device"));
    DeviceCertificate backwards = test_certificate(5);
    backwards.not_after = backwards.not_before;
    CHECK_THROWS_WITH(registry->add_certificate(b.id, backwards, "admin:alice"),
                      Catch::Contains("not_after"));
    DeviceCertificate bad_serial = test_certificate(6);
    bad_serial.serial_hex = "12:34";
    CHECK_THROWS_WITH(registry->add_certificate(b.id, bad_serial, "admin:alice"), Catch::Contains("12:34"));

    registry->set_status(b.id, DeviceStatus::revoked, "", "admin:alice");
    CHECK_THROWS_WITH(registry->add_certificate(b.id, test_certificate(7), "admin:alice"),
                      Catch::Contains("revoked"));
}

TEST_CASE("active fingerprints leave out suspended, revoked and expired", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device active = registry->create_device("north", "active", "admin:alice");
    Device suspended = registry->create_device("north", "suspended", "admin:alice");
    Device revoked = registry->create_device("north", "revoked", "admin:alice");
    registry->add_certificate(active.id, test_certificate(1), "admin:alice");
    registry->add_certificate(active.id, test_certificate(2, kStart + 100), "admin:alice");
    registry->add_certificate(active.id, test_certificate(3), "admin:alice");
    registry->add_certificate(suspended.id, test_certificate(4), "admin:alice");
    registry->add_certificate(revoked.id, test_certificate(5), "admin:alice");
    registry->set_status(suspended.id, DeviceStatus::suspended, "", "admin:alice");
    registry->set_status(revoked.id, DeviceStatus::revoked, "cessationOfOperation", "admin:alice");
    registry->revoke_certificate(test_certificate(3).serial_hex, "superseded", "admin:alice");

    CHECK(registry->active_fingerprints() ==
          std::vector<std::string>{test_certificate(1).fingerprint_sha256,
                                   test_certificate(2).fingerprint_sha256});
    temp.set_now(kStart + 100); // certificate 2 has expired
    auto reopened = temp.open();
    CHECK(reopened->active_fingerprints() ==
          std::vector<std::string>{test_certificate(1).fingerprint_sha256});

    registry->set_status(suspended.id, DeviceStatus::active, "back from repair", "admin:alice");
    CHECK(registry->active_fingerprints().size() == 2);
}

TEST_CASE("revoking a device revokes its certificates; revoking one leaves the rest", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device d = registry->create_device("north", "pc", "admin:alice");
    registry->add_certificate(d.id, test_certificate(1), "admin:alice");
    registry->add_certificate(d.id, test_certificate(2), "admin:alice");

    temp.set_now(kStart + 10);
    registry->revoke_certificate("5ec0000000000001", "superseded", "admin:alice"); // any case
    CHECK_THROWS_WITH(registry->revoke_certificate(test_certificate(1).serial_hex, "", "admin:a"),
                      Catch::Contains("already revoked"));
    CHECK_THROWS_WITH(registry->revoke_certificate("ABCDEF", "", "admin:a"),
                      Catch::Contains("ABCDEF") && Catch::Contains("no certificate"));
    CHECK(registry->get_device(d.id)->status == DeviceStatus::active);

    temp.set_now(kStart + 20);
    registry->set_status(d.id, DeviceStatus::revoked, "", "admin:alice");
    auto certs = registry->get_device(d.id)->certificates;
    REQUIRE(certs.size() == 2);
    CHECK(certs[0].revoked_at == kStart + 10);
    CHECK(certs[0].status_reason == "superseded"); // the earlier revocation stands
    CHECK(certs[1].revoked_at == kStart + 20);
    CHECK(certs[1].status_reason == "unspecified");
}

TEST_CASE("a renewed certificate is revoked as superseded once the overlap has passed", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device d = registry->create_device("north", "pc", "admin:alice");
    Device other = registry->create_device("north", "other", "admin:alice");
    registry->add_certificate(d.id, test_certificate(1), "admin:alice");
    registry->add_certificate(other.id, test_certificate(3), "admin:alice");
    DeviceCertificate renewed = test_certificate(2);
    renewed.issued_at = kStart + 100;
    registry->add_certificate(d.id, renewed, "est:renewal");
    const std::int64_t revision = registry->revision();

    temp.set_now(kStart + 100 + 7 * 86400 - 1); // still in the overlap: both admitted
    CHECK(registry->revoke_superseded(7 * 86400, "gateway:renewal") == 0);
    CHECK(registry->revision() == revision);
    CHECK(registry->active_fingerprints().size() == 3);

    temp.set_now(kStart + 100 + 7 * 86400);
    CHECK(registry->revoke_superseded(7 * 86400, "gateway:renewal") == 1);
    CHECK(registry->active_fingerprints() ==
          std::vector<std::string>{test_certificate(2).fingerprint_sha256, test_certificate(3).fingerprint_sha256});
    auto revoked = registry->revoked_serials("Device CA");
    REQUIRE(revoked.size() == 1);
    CHECK(revoked[0].serial_hex == test_certificate(1).serial_hex);
    CHECK(revoked[0].reason == "superseded");
    CHECK(temp.open_ledger()->ledger().back().action == "certificate.revoke");
    CHECK(temp.open_ledger()->ledger().back().actor == "gateway:renewal");
    CHECK(registry->revoke_superseded(7 * 86400, "gateway:renewal") == 0); // the newest is never superseded
}

TEST_CASE("revoked serials list revocations and holds of suspended devices per CA", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device lost = registry->create_device("north", "lost", "admin:alice");
    Device gone = registry->create_device("north", "gone", "admin:alice");
    Device fine = registry->create_device("north", "fine", "admin:alice");
    registry->add_certificate(lost.id, test_certificate(1), "admin:alice");
    registry->add_certificate(gone.id, test_certificate(2), "admin:alice");
    registry->add_certificate(fine.id, test_certificate(3), "admin:alice");
    registry->add_certificate(fine.id, test_certificate(4, kStart + 1000, "Other CA"), "admin:alice");

    temp.set_now(kStart + 5);
    registry->set_status(lost.id, DeviceStatus::suspended, "left in a taxi", "admin:alice");
    temp.set_now(kStart + 6);
    registry->set_status(gone.id, DeviceStatus::revoked, "keyCompromise", "admin:alice");
    registry->revoke_certificate(test_certificate(4).serial_hex, "superseded", "admin:alice");

    auto serials = registry->revoked_serials("Device CA");
    REQUIRE(serials.size() == 2);
    CHECK(serials[0].serial_hex == test_certificate(1).serial_hex);
    CHECK(serials[0].reason == "certificateHold");
    CHECK(serials[0].revoked_at == kStart + 5);
    CHECK(serials[1].serial_hex == test_certificate(2).serial_hex);
    CHECK(serials[1].reason == "keyCompromise");
    CHECK(serials[1].revoked_at == kStart + 6);

    auto other = registry->revoked_serials("Other CA");
    REQUIRE(other.size() == 1);
    CHECK(other[0].reason == "superseded");

    registry->set_status(lost.id, DeviceStatus::active, "found", "admin:alice");
    CHECK(registry->revoked_serials("Device CA").size() == 1); // the hold is lifted
}

TEST_CASE("revoked serials leave out certificates that expired before the given time", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device old_one = registry->create_device("north", "old", "admin:alice");
    Device new_one = registry->create_device("north", "new", "admin:alice");
    Device held = registry->create_device("north", "held", "admin:alice");
    registry->add_certificate(old_one.id, test_certificate(1, kStart + 1000), "admin:alice");
    registry->add_certificate(new_one.id, test_certificate(2, kStart + 365 * 86400), "admin:alice");
    registry->add_certificate(held.id, test_certificate(3, kStart + 1000), "admin:alice");
    temp.set_now(kStart + 10);
    registry->set_status(old_one.id, DeviceStatus::revoked, "superseded", "admin:alice");
    registry->set_status(new_one.id, DeviceStatus::revoked, "keyCompromise", "admin:alice");
    registry->set_status(held.id, DeviceStatus::suspended, "on leave", "admin:alice");

    CHECK(registry->revoked_serials("Device CA").size() == 3);             // every entry by default
    CHECK(registry->revoked_serials("Device CA", kStart + 1000).size() == 3); // notAfter itself still counts
    const auto current = registry->revoked_serials("Device CA", kStart + 1001);
    REQUIRE(current.size() == 1);
    CHECK(current[0].serial_hex == test_certificate(2).serial_hex);
}
