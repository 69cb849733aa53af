// What only the PostgreSQL backend has: schema versions checked rather than applied, the
// gateway's role without UPDATE or DELETE on the ledger, reconnection after the server drops
// a connection, and no password in any message.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace sekisho::store;
using sekisho::store::test::TempRegistry;

TEST_CASE("a gateway refuses a schema older or newer than its own and names the fix", "[store][postgresql]") {
    TempRegistry temp;
    temp.open()->create_device("north", "pc", "admin:alice");
    temp.raw_exec("UPDATE sekisho_schema SET version = version + 1");
    CHECK_THROWS_WITH(temp.open(), Catch::Contains(temp.location()) && Catch::Contains("newer"));
    temp.raw_exec("UPDATE sekisho_schema SET version = 0");
    CHECK_THROWS_WITH(temp.open(), Catch::Contains("sekishoctl store migrate"));
}

TEST_CASE("migrating twice changes nothing the second time", "[store][postgresql]") {
    TempRegistry temp;
    const auto report = migrate_registry(temp.config());
    CHECK(report.from == report.to);
    CHECK(report.location == temp.location());
    CHECK(temp.open()->list_devices().empty());
}

TEST_CASE("the gateway's role may append to the ledger but not change it", "[store][postgresql]") {
    TempRegistry temp;
    const std::string role = "gw_" + std::to_string(::getpid()) + "_" + std::to_string(std::rand() % 100000);
    temp.raw_exec("CREATE ROLE " + role + " LOGIN PASSWORD 'gateway-secret'");
    migrate_registry(temp.config(), role);
    auto config = temp.config();
    config.postgresql->url.replace(config.postgresql->url.find("://") + 3,
                                   config.postgresql->url.find('@') - config.postgresql->url.find("://") - 3, role);
    std::ofstream(config.postgresql->password_file) << "gateway-secret\n";
    auto registry = open_registry(config);
    registry->devices().create_device("north", "pc", "admin:alice"); // rows and ledger: allowed
    CHECK(registry->devices().ledger().size() == 1);
    // The same role, past the registry, cannot rewrite history even with the triggers gone.
    sekisho::store::postgresql::ConnectionSettings s;
    s.location = config.postgresql->url;
    s.parameters = {{"dbname", config.postgresql->url}, {"password", "gateway-secret"}, {"sslmode", "disable"}};
    sekisho::store::postgresql::PgConnection as_gateway(s);
    CHECK_THROWS_WITH(as_gateway.exec("ALTER TABLE ledger DISABLE TRIGGER ledger_no_change", "tamper"),
                      Catch::Contains("owner"));
    CHECK_THROWS_WITH(as_gateway.exec("DELETE FROM ledger", "tamper"), Catch::Contains("permission denied"));
    temp.raw_exec("DROP OWNED BY " + role + "; DROP ROLE " + role);
}

TEST_CASE("connections the server dropped are replaced: the registry recovers by itself", "[store][postgresql]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    registry->devices().create_device("north", "pc", "admin:alice");
    temp.raw_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    // The first call may meet its dead connection and fail, closed; the next one reconnects.
    try {
        registry->devices().list_devices();
    } catch (const RegistryError&) {
    }
    CHECK(registry->devices().list_devices().size() == 1);
    CHECK(registry->users().list_users().empty());
}

TEST_CASE("a wrong password fails with the server's name and never the password", "[store][postgresql]") {
    TempRegistry temp;
    auto config = temp.config();
    std::ofstream(config.postgresql->password_file) << "Not-The-Password-42\n";
    try {
        open_registry(config);
        FAIL("opened with a wrong password");
    } catch (const RegistryError& e) {
        CHECK_THAT(e.what(), Catch::Contains(temp.location()) && Catch::Contains("password authentication failed"));
        CHECK_THAT(e.what(), !Catch::Contains("Not-The-Password-42"));
    }
    config.postgresql->url = "postgresql://someone:secret@127.0.0.1:1/x";
    CHECK_THROWS_WITH(open_registry(config), Catch::Contains("password_file") && !Catch::Contains("secret@"));
}

TEST_CASE("a change committed through one instance wakes the others at once", "[store][postgresql]") {
    TempRegistry temp;
    auto watcher = temp.open_registry();
    auto writer = temp.open_registry();
    std::mutex mutex;
    std::condition_variable woken;
    int wakes = 0;
    auto signal = watcher->signal_changes([&] {
        std::lock_guard lock(mutex);
        ++wakes;
        woken.notify_all();
    });
    REQUIRE(signal);
    std::unique_lock lock(mutex);
    REQUIRE(woken.wait_for(lock, std::chrono::seconds(10), [&] { return wakes >= 1; })); // after LISTEN
    const int before = wakes;
    lock.unlock();
    writer->devices().create_device("north", "pc", "admin:alice");
    lock.lock();
    CHECK(woken.wait_for(lock, std::chrono::seconds(10), [&] { return wakes > before; }));
    lock.unlock();
    signal.reset(); // stops and joins the listener
}
