#include "store_test_support.hpp"

#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_db.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <functional>
#include <thread>

using namespace sekisho::store;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;
using sekisho::store::test::test_certificate;

TEST_CASE("the revision grows with every write and not with reads", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto& tickets = registry->tickets();
    std::int64_t r = devices.revision();
    auto wrote = [&] {
        std::int64_t now = devices.revision();
        bool grew = now > r;
        r = now;
        return grew;
    };
    Device d = devices.create_device("north", "pc", "admin:alice");
    CHECK(wrote());
    devices.add_certificate(d.id, test_certificate(1), "admin:alice");
    CHECK(wrote());
    devices.set_status(d.id, DeviceStatus::suspended, "", "admin:alice");
    CHECK(wrote());
    auto [ticket, code] = tickets.create_ticket("north", "pc", 60, "admin:alice");
    CHECK(wrote());
    tickets.redeem_ticket(ticket.id, "WRONG", "a", kStart);
    CHECK(wrote());
    tickets.redeem_ticket(ticket.id, code, "a", kStart);
    CHECK(wrote());

    devices.get_device(d.id);
    devices.list_devices();
    devices.find_device_by_fingerprint(test_certificate(1).fingerprint_sha256);
    devices.active_fingerprints();
    devices.revoked_serials("Device CA");
    tickets.get_ticket(ticket.id);
    tickets.list_tickets(true);
    registry->ledger().ledger();
    tickets.redeem_ticket(ticket.id, code, "a", kStart); // used up: a refusal, not a write
    CHECK_THROWS(devices.set_status(d.id, DeviceStatus::suspended, "", "admin:alice"));
    CHECK_FALSE(wrote());
}

TEST_CASE("a reopened file keeps everything", "[store]") {
    TempRegistry temp;
    std::string device_id;
    std::string ticket_id;
    std::int64_t revision = 0;
    std::size_t ledger_size = 0;
    {
        auto registry = temp.open_registry();
        device_id = registry->devices().create_device("north", "pc", "admin:alice").id;
        registry->devices().add_certificate(device_id, test_certificate(1), "admin:alice");
        ticket_id = registry->tickets().create_ticket("north", "pc2", 60, "admin:alice").first.id;
        revision = registry->devices().revision();
        ledger_size = registry->ledger().ledger().size();
    }
    auto registry = temp.open_registry();
    auto device = registry->devices().get_device(device_id);
    REQUIRE(device);
    CHECK(device->certificates.size() == 1);
    CHECK(registry->tickets().get_ticket(ticket_id));
    CHECK(registry->devices().revision() == revision);
    CHECK(registry->ledger().ledger().size() == ledger_size);
    CHECK(registry->devices().active_fingerprints().size() == 1);
}

TEST_CASE("two registries on one file see each other's writes", "[store]") {
    TempRegistry temp;
    auto writer = temp.open();
    auto reader = temp.open();
    std::int64_t seen = reader->revision();
    Device d = writer->create_device("north", "pc", "admin:alice");
    writer->add_certificate(d.id, test_certificate(1), "admin:alice");
    CHECK(reader->revision() > seen);
    CHECK(reader->active_fingerprints() == std::vector<std::string>{test_certificate(1).fingerprint_sha256});

    seen = reader->revision();
    reader->set_status(d.id, DeviceStatus::suspended, "", "admin:bob");
    CHECK(writer->revision() == seen + 1);
    CHECK(writer->active_fingerprints().empty());
}

TEST_CASE("the database file is private to its owner", "[store][sqlite]") {
    TempRegistry temp;
    auto registry = temp.open();
    registry->create_device("north", "pc", "admin:alice");
    for (const char* suffix : {"", "-wal"}) {
        struct stat info {};
        REQUIRE(::stat((temp.path() + suffix).c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }
}

TEST_CASE("a file from a newer schema or an unusable path is refused with its name", "[store][sqlite]") {
    TempRegistry temp;
    temp.open();
    {
        sqlite::Database raw(temp.path());
        raw.exec("PRAGMA user_version = " + std::to_string(sqlite::current_schema_version() + 1), "test");
    }
    CHECK_THROWS_WITH(temp.open(), Catch::Contains(temp.path()) && Catch::Contains("newer"));
    sekisho::config::RegistryConfig unusable;
    unusable.sqlite = "/nonexistent-dir/registry.db";
    CHECK_THROWS_WITH(open_registry(unusable),
                      Catch::Contains("/nonexistent-dir/registry.db"));
}

TEST_CASE("concurrent writers on one file wait for each other instead of failing", "[store]") {
    TempRegistry temp;
    auto first = temp.open();
    auto second = temp.open();
    constexpr int kEach = 25;
    auto create_many = [](DeviceRegistry& registry, const char* facility) {
        for (int i = 0; i < kEach; ++i)
            registry.create_device(facility, "pc", "admin:alice");
    };
    std::thread a(create_many, std::ref(*first), "north");
    std::thread b(create_many, std::ref(*first), "north"); // same object: its mutex
    create_many(*second, "south");                         // other connection: the file lock
    a.join();
    b.join();
    CHECK(first->list_devices().size() == 3 * kEach);
    CHECK(second->revision() == 3 * kEach);
    CHECK(temp.open_ledger()->ledger().size() == 3 * kEach);
}
