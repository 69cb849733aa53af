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
    auto registry = temp.open();
    std::int64_t r = registry->revision();
    auto wrote = [&] {
        std::int64_t now = registry->revision();
        bool grew = now > r;
        r = now;
        return grew;
    };
    Device d = registry->create_device("north", "pc", "admin:alice");
    CHECK(wrote());
    registry->add_certificate(d.id, test_certificate(1), "admin:alice");
    CHECK(wrote());
    registry->set_status(d.id, DeviceStatus::suspended, "", "admin:alice");
    CHECK(wrote());
    auto [ticket, code] = registry->create_ticket("north", "pc", 60, "admin:alice");
    CHECK(wrote());
    registry->redeem_ticket(ticket.id, "WRONG", "a", kStart);
    CHECK(wrote());
    registry->redeem_ticket(ticket.id, code, "a", kStart);
    CHECK(wrote());

    registry->get_device(d.id);
    registry->list_devices();
    registry->find_device_by_fingerprint(test_certificate(1).fingerprint_sha256);
    registry->active_fingerprints();
    registry->revoked_serials("Device CA");
    registry->get_ticket(ticket.id);
    registry->list_tickets(true);
    temp.open_ledger()->ledger();
    registry->redeem_ticket(ticket.id, code, "a", kStart); // used up: a refusal, not a write
    CHECK_THROWS(registry->set_status(d.id, DeviceStatus::suspended, "", "admin:alice"));
    CHECK_FALSE(wrote());
}

TEST_CASE("a reopened file keeps everything", "[store]") {
    TempRegistry temp;
    std::string device_id;
    std::string ticket_id;
    std::int64_t revision = 0;
    std::size_t ledger_size = 0;
    {
        auto registry = temp.open();
        device_id = registry->create_device("north", "pc", "admin:alice").id;
        registry->add_certificate(device_id, test_certificate(1), "admin:alice");
        ticket_id = registry->create_ticket("north", "pc2", 60, "admin:alice").first.id;
        revision = registry->revision();
        ledger_size = temp.open_ledger()->ledger().size();
    }
    auto registry = temp.open();
    auto device = registry->get_device(device_id);
    REQUIRE(device);
    CHECK(device->certificates.size() == 1);
    CHECK(registry->get_ticket(ticket_id));
    CHECK(registry->revision() == revision);
    CHECK(temp.open_ledger()->ledger().size() == ledger_size);
    CHECK(registry->active_fingerprints().size() == 1);
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
