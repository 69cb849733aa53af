// The registry at fleet size: many devices registered in one transaction, listings by page,
// counts from the database, and the stream the gateway keeps its view with — every
// certificate once, then only those of the devices changed since.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

namespace {

class Collect final : public CertificateSink {
public:
    void begin(bool is_complete) override {
        ++begins;
        complete = is_complete;
    }
    void certificate(const CertificateState& state) override { states[state.fingerprint] = state; }

    int begins = 0;
    bool complete = false;
    std::map<std::string, CertificateState> states;
};

DeviceImport fleet_device(const std::string& facility, int n) {
    DeviceImport d;
    d.facility = facility;
    d.name = "pc-" + std::to_string(n);
    d.certificates.push_back(test_certificate(n));
    return d;
}

} // namespace

TEST_CASE("import_devices registers a batch in one transaction, all or none", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    const auto revision = registry->revision();
    std::vector<DeviceImport> batch;
    for (int n = 1; n <= 50; ++n) batch.push_back(fleet_device(n % 2 ? "north" : "south", n));
    const auto ids = registry->import_devices(batch, "admin:fleet");
    REQUIRE(ids.size() == 50);
    CHECK(registry->revision() == revision + 1);
    const auto first = registry->get_device(ids.front());
    REQUIRE(first);
    CHECK(first->name == "pc-1");
    CHECK(first->facility == "north");
    REQUIRE(first->certificates.size() == 1);
    CHECK(first->certificates[0].serial_hex == test_certificate(1).serial_hex);
    CHECK(registry->active_fingerprints().size() == 50);
    // Each device has its ledger rows, as if created and given its certificate one by one.
    const auto actions = sekisho::store::test::ledger_actions(temp);
    CHECK(std::count(actions.begin(), actions.end(), "device.create") == 50);
    CHECK(std::count(actions.begin(), actions.end(), "certificate.add") == 50);

    // One bad item (a fingerprint already registered) refuses the whole batch.
    std::vector<DeviceImport> bad{fleet_device("east", 100), fleet_device("east", 1)};
    try {
        registry->import_devices(bad, "admin:fleet");
        FAIL("a batch with a registered certificate was accepted");
    } catch (const RegistryError& e) {
        CHECK_THAT(e.what(), Catch::Contains("item 2") && Catch::Contains("already registered"));
    }
    CHECK(registry->count_devices("east").total() == 0);
    CHECK(registry->revision() == revision + 1);
}

TEST_CASE("count_devices counts each status; list_devices_page pages in order", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    std::vector<DeviceImport> batch;
    for (int n = 1; n <= 25; ++n) batch.push_back(fleet_device(n <= 20 ? "north" : "south", n));
    const auto ids = registry->import_devices(batch, "admin:fleet");
    registry->set_status(ids[0], DeviceStatus::suspended, "repair", "admin:alice");
    registry->set_status(ids[1], DeviceStatus::revoked, "keyCompromise", "admin:alice");
    const auto all = registry->count_devices();
    CHECK(all.active == 23);
    CHECK(all.suspended == 1);
    CHECK(all.revoked == 1);
    CHECK(registry->count_devices("south").total() == 5);

    // Pages of 7 give the whole listing, in its order, each device once.
    std::vector<std::string> paged;
    std::string after;
    int pages = 0;
    do {
        auto page = registry->list_devices_page(std::nullopt, std::nullopt, after, 7);
        CHECK(page.devices.size() <= 7);
        for (const auto& d : page.devices) {
            paged.push_back(d.id);
            CHECK(d.certificates.size() == 1);
        }
        after = page.next;
        ++pages;
    } while (!after.empty());
    CHECK(pages == 4);
    std::vector<std::string> whole;
    for (const auto& d : registry->list_devices()) whole.push_back(d.id);
    CHECK(paged == whole);
    // Filters hold across pages.
    auto active_north = registry->list_devices_page("north", DeviceStatus::active, "", 1000);
    CHECK(active_north.devices.size() == 18);
    CHECK(active_north.next.empty());
    CHECK_THROWS_WITH(registry->list_devices_page(std::nullopt, std::nullopt, "dev-0000000000000000", 10),
                      Catch::Contains("names no device"));
    CHECK_THROWS_WITH(registry->list_devices_page(std::nullopt, std::nullopt, "", 0), Catch::Contains("1 to 1000"));
}

TEST_CASE("scan_certificates: everything once, then only the devices changed since", "[store]") {
    TempRegistry temp;
    auto registry = temp.open();
    std::vector<DeviceImport> batch;
    for (int n = 1; n <= 30; ++n) batch.push_back(fleet_device("north", n));
    batch[2].temporary = true;
    const auto ids = registry->import_devices(batch, "admin:fleet");

    Collect full;
    const auto first = registry->scan_certificates({}, full);
    CHECK(full.begins == 1);
    CHECK(full.complete);
    CHECK(first.complete);
    CHECK(first.certificates == 30);
    CHECK(first.revision == registry->revision());
    REQUIRE(full.states.size() == 30);
    const auto fp3 = test_certificate(3).fingerprint_sha256;
    CHECK(full.states.at(fp3).temporary);
    CHECK(full.states.at(fp3).admitted);
    CHECK(full.states.at(fp3).facility == "north");
    CHECK(full.states.at(fp3).not_after == test_certificate(3).not_after);

    // Nothing since: nothing read.
    Collect none;
    const auto same = registry->scan_certificates(first.through, none);
    CHECK_FALSE(none.complete);
    CHECK(none.states.empty());
    CHECK(same.through.seq == first.through.seq);
    CHECK(same.through.mark == first.through.mark);

    // Two devices change: only their certificates come.
    registry->set_status(ids[4], DeviceStatus::suspended, "repair", "admin:alice");
    registry->revoke_certificate(test_certificate(6).serial_hex, "keyCompromise", "admin:alice");
    Collect changes;
    const auto second = registry->scan_certificates(first.through, changes);
    CHECK_FALSE(changes.complete);
    CHECK(second.through.seq > first.through.seq);
    REQUIRE(changes.states.size() == 2);
    CHECK_FALSE(changes.states.at(test_certificate(5).fingerprint_sha256).admitted);
    CHECK_FALSE(changes.states.at(test_certificate(6).fingerprint_sha256).admitted);

    // A ledger behind the position asked (a registry restored from an older backup): all again.
    Collect restored;
    registry->scan_certificates({second.through.seq + 1000, second.through.mark}, restored);
    CHECK(restored.complete);
    CHECK(restored.states.size() == 30);
}

TEST_CASE("scan_certificates reads everything again from a ledger written anew under the same numbers", "[store]") {
    // Two registries with as many ledger entries: the position of one means nothing in the
    // other (a failover that lost the tail the gateway had read, then took new writes).
    TempRegistry a_temp, b_temp;
    auto a = a_temp.open();
    auto b = b_temp.open();
    a->import_devices({fleet_device("north", 1)}, "admin:a");
    b->import_devices({fleet_device("south", 2)}, "admin:b");
    Collect first;
    const auto position = a->scan_certificates({}, first).through;
    Collect other;
    const auto there = b->scan_certificates(position, other);
    CHECK(there.through.seq == position.seq);
    CHECK(other.complete);
    REQUIRE(other.states.size() == 1);
    CHECK(other.states.begin()->second.facility == "south");
    // The same registry with the same position: only what changed.
    Collect again;
    a->scan_certificates(position, again);
    CHECK_FALSE(again.complete);
}
