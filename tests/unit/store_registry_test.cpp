// The seam: one Registry from the factory, shared by every caller and every thread.
#include "store_test_support.hpp"

#include "store/sqlite/sqlite_db.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace sekisho::store;
using namespace std::chrono_literals;
using sekisho::store::test::TempRegistry;

TEST_CASE("the factory refuses a configuration that names no registry", "[store][registry]") {
    CHECK_THROWS_AS(open_registry(sekisho::config::RegistryConfig{}), RegistryError);
    TempRegistry temp;
    CHECK(temp.open_registry()->location() == temp.location());
}

TEST_CASE("one registry serves writers on several threads at once", "[store][registry]") {
    TempRegistry temp;
    const auto registry = temp.open_registry();
    const std::int64_t before = registry->devices().revision();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&registry, t] {
            for (int i = 0; i < 10; ++i) {
                const auto device = registry->devices().create_device(
                    "north", "cart " + std::to_string(t) + "-" + std::to_string(i), "admin:alice");
                CHECK(registry->devices().get_device(device.id));
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    CHECK(registry->devices().list_devices().size() == 40);
    CHECK(registry->devices().revision() == before + 40);
}

TEST_CASE("reads through the registry go on while one of its writes waits for the lock", "[store][registry][sqlite]") {
    TempRegistry temp;
    const auto registry = temp.open_registry();
    const std::int64_t before = registry->devices().revision();
    // Another process (sekishoctl) holds the write lock; a write through the registry waits
    // for it (busy timeout) on one connection, not on the whole handle.
    sekisho::store::sqlite::Database other(temp.path());
    std::optional<sekisho::store::sqlite::Transaction> held;
    held.emplace(other, sekisho::store::sqlite::Transaction::Kind::write, "hold the write lock");
    std::thread writer([&registry] { registry->devices().create_device("north", "cart", "admin:alice"); });
    std::this_thread::sleep_for(200ms);
    const auto started = std::chrono::steady_clock::now();
    CHECK(registry->devices().revision() == before);
    CHECK(registry->users().list_users().empty());
    CHECK(std::chrono::steady_clock::now() - started < 4s); // well below the writer's 5 s busy wait
    held->commit();
    writer.join();
    CHECK(registry->devices().list_devices().size() == 1);
}

TEST_CASE("a registry file moved away while in use fails the next connection instead of starting a new file",
          "[store][registry][sqlite]") {
    TempRegistry temp;
    const auto registry = temp.open_registry();
    // Keep the pool's only connection busy: a write waits for another process's lock.
    sekisho::store::sqlite::Database other(temp.path());
    std::optional<sekisho::store::sqlite::Transaction> held;
    held.emplace(other, sekisho::store::sqlite::Transaction::Kind::write, "hold the write lock");
    std::thread writer([&registry] {
        try {
            registry->devices().create_device("north", "cart", "admin:alice");
        } catch (const RegistryError&) { // the lock may outlast its busy wait on a slow machine
        }
    });
    std::this_thread::sleep_for(200ms);
    const std::string moved = temp.path() + ".moved";
    REQUIRE(std::rename(temp.path().c_str(), moved.c_str()) == 0);
    // A second caller needs a second connection: the path no longer names the file in use.
    CHECK_THROWS_WITH(registry->devices().revision(), Catch::Contains("removed while the gateway used it"));
    CHECK_FALSE(std::filesystem::exists(temp.path())); // no empty registry was created there
    REQUIRE(std::rename(moved.c_str(), temp.path().c_str()) == 0);
    held->commit();
    writer.join();
    CHECK_NOTHROW(registry->devices().revision()); // the same file again: served
}
