// What only the PostgreSQL backend has: schema versions checked rather than applied, the
// gateway's role without UPDATE or DELETE on the ledger, reconnection after the server drops
// a connection, and no password in any message.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

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
    CHECK(registry->ledger().ledger().size() == 1);
    // The same role, past the registry, cannot rewrite history even with the triggers gone.
    sekisho::store::postgresql::ConnectionSettings s;
    s.location = config.postgresql->url;
    s.parameters = {{"dbname", config.postgresql->url}, {"password", "gateway-secret"}, {"sslmode", "disable"}};
    sekisho::store::postgresql::PgConnection as_gateway(s);
    CHECK_THROWS_WITH(as_gateway.exec("ALTER TABLE ledger DISABLE TRIGGER ledger_no_change", "tamper"),
                      Catch::Contains("owner"));
    CHECK_THROWS_WITH(as_gateway.exec("DELETE FROM ledger", "tamper"), Catch::Contains("permission denied"));
    // Nor choose a sequence number, which would make the next writers fail on a duplicate.
    CHECK_THROWS_WITH(as_gateway.exec("INSERT INTO ledger (seq, at, actor, action, subject, reason, details) "
                                      "VALUES (1000, 0, 'admin:alice', 'device.resume', 'x', 'forged', '{}')",
                                      "forge"),
                      Catch::Contains("permission denied"));
    // Other roles may not even connect: they could LISTEN, NOTIFY or hold locks.
    temp.raw_exec("CREATE ROLE " + role + "_x LOGIN PASSWORD 'outsider'");
    s.parameters = {{"dbname", config.postgresql->url}, {"user", role + "_x"}, {"password", "outsider"},
                    {"sslmode", "disable"}};
    CHECK_THROWS_WITH(sekisho::store::postgresql::PgConnection(s), Catch::Contains("permission denied"));
    temp.raw_exec("DROP ROLE " + role + "_x");
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

TEST_CASE("an advisory lock someone holds does not stop the registry's writers", "[store][postgresql]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto other = temp.raw_connection();
    other.exec("SELECT pg_advisory_lock(x'53454B4953484F'::bigint)", "hold an advisory lock");
    const auto started = std::chrono::steady_clock::now();
    registry->devices().create_device("north", "pc", "admin:alice");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
}

TEST_CASE("a server that stops answering fails the call at its deadline instead of hanging", "[store][postgresql]") {
    TempRegistry temp;
    auto config = temp.config();
    config.postgresql->statement_timeout = std::chrono::seconds(1);
    auto registry = open_registry(config);
    registry->devices().create_device("north", "pc", "admin:alice");
    // Freeze the server processes serving this registry (as a storage stall would): they
    // keep their sockets, and the kernel keeps acknowledging.
    std::vector<int> frozen;
    {
        auto probe = temp.raw_connection();
        sekisho::store::sql::Statement backends(
            probe, "SELECT pid FROM pg_stat_activity WHERE application_name = 'sekisho' AND pid <> pg_backend_pid()",
            "find the registry's backends");
        while (backends.step()) frozen.push_back(static_cast<int>(backends.integer(0)));
    }
    REQUIRE_FALSE(frozen.empty());
    for (int pid : frozen) ::kill(pid, SIGSTOP);
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(registry->devices().revision(), Catch::Contains("did not answer in time"));
    const auto waited = std::chrono::steady_clock::now() - started;
    for (int pid : frozen) ::kill(pid, SIGCONT);
    CHECK(waited < std::chrono::seconds(30)); // the deadline is 2 s; without one it never returns
    // The abandoned connection is not handed out again: the next call connects afresh.
    CHECK(registry->devices().list_devices().size() == 1);
}

TEST_CASE("a gateway role the owner never granted is told the command that grants it", "[store][postgresql]") {
    TempRegistry temp;
    const std::string role = "ungranted_" + std::to_string(::getpid());
    temp.raw_exec("CREATE ROLE " + role + " LOGIN PASSWORD 'not-granted'");
    auto config = temp.config();
    auto& url = config.postgresql->url;
    url.replace(url.find("://") + 3, url.find('@') - url.find("://") - 3, role);
    std::ofstream(config.postgresql->password_file) << "not-granted\n";
    CHECK_THROWS_WITH(open_registry(config), Catch::Contains("permission denied") && Catch::Contains("--grant ROLE"));
    temp.raw_exec("DROP ROLE " + role);
}
