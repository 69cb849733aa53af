// record_seen(): the gateway's batches of sightings become each device's last_seen_at, only
// forward, without a ledger row or a revision bump (which would wake every gateway).
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

TEST_CASE("a device never seen has no last_seen_at; a batch sets it for the device of each fingerprint",
          "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device seen = registry->create_device("north", "ward3-pc1", "admin:alice");
    Device other = registry->create_device("north", "ward3-pc2", "admin:alice");
    registry->add_certificate(seen.id, test_certificate(1), "admin:alice");
    registry->add_certificate(seen.id, test_certificate(2), "admin:alice");
    registry->add_certificate(other.id, test_certificate(3), "admin:alice");
    CHECK_FALSE(registry->get_device(seen.id)->last_seen_at);

    const auto revision = registry->revision();
    const auto ledger_size = temp.open_ledger()->ledger().size();
    // Two certificates of one device in one batch: the later time wins, one device moved twice.
    CHECK(registry->record_seen({{test_certificate(1).fingerprint_sha256, kStart + 100},
                                 {test_certificate(2).fingerprint_sha256, kStart + 200}}) == 2);
    CHECK(registry->get_device(seen.id)->last_seen_at == kStart + 200);
    CHECK_FALSE(registry->get_device(other.id)->last_seen_at);
    CHECK(registry->list_devices().front().last_seen_at == kStart + 200);
    CHECK(registry->revision() == revision);
    CHECK(temp.open_ledger()->ledger().size() == ledger_size);
}

TEST_CASE("last_seen_at only moves forward, and unknown fingerprints are skipped", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    Device d = registry->create_device("north", "pc", "admin:alice");
    registry->add_certificate(d.id, test_certificate(1), "admin:alice");
    const std::string fp = test_certificate(1).fingerprint_sha256;

    CHECK(registry->record_seen({{fp, kStart + 3600}}) == 1);
    CHECK(registry->record_seen({{fp, kStart + 60}}) == 0); // an older batch of another gateway
    CHECK(registry->get_device(d.id)->last_seen_at == kStart + 3600);
    CHECK(registry->record_seen({{test_certificate(99).fingerprint_sha256, kStart + 7200}}) == 0);
    CHECK(registry->record_seen({}) == 0);
    CHECK_THROWS_WITH(registry->record_seen({{"not-a-fingerprint", kStart}}), Catch::Contains("fingerprint"));
}
