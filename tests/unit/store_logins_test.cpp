#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sekisho::store;
using namespace sekisho::store::test;

TEST_CASE("five failures within 15 minutes lock the account for 30 minutes", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    const LockoutPolicy policy; // 5 in 15 min → 30 min
    for (int i = 1; i <= 4; ++i) {
        LoginFailure f = logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + i * 60, policy);
        CHECK(f.failures_in_window == i);
        CHECK_FALSE(f.locked_until);
    }
    CHECK_FALSE(is_locked(*users.get_user("yamada.hanako"), kStart + 300));
    LoginFailure fifth = logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + 14 * 60, policy);
    CHECK(fifth.failures_in_window == 5);
    REQUIRE(fifth.locked_until);
    CHECK(*fifth.locked_until == kStart + 14 * 60 + 30 * 60);

    User locked = *users.get_user("yamada.hanako");
    CHECK(locked.locked_until == fifth.locked_until);
    CHECK(locked.failed_since_success == 5);
    CHECK(locked.last_failed_at == kStart + 14 * 60);
    CHECK(is_locked(locked, kStart + 14 * 60));
    CHECK(is_locked(locked, *fifth.locked_until - 1));
    CHECK_FALSE(is_locked(locked, *fifth.locked_until)); // the lock expires after 30 min

    // A correct password while locked is refused by the store too.
    CHECK_THROWS_WITH(logins.record_login_success("yamada.hanako", "10.0.0.9", kStart + 20 * 60),
                      Catch::Contains("locked until"));
    // Failures while locked are counted for the user but do not extend the lock.
    LoginFailure during = logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + 20 * 60, policy);
    CHECK(during.locked_until == fifth.locked_until);
    CHECK(users.get_user("yamada.hanako")->failed_since_success == 6);

    // After expiry a fresh series is needed: one failure does not lock again.
    LoginFailure after =
        logins.record_login_failure("yamada.hanako", "10.0.0.9", *fifth.locked_until + 1, policy);
    CHECK(after.failures_in_window == 1);
    CHECK_FALSE(after.locked_until);
    CHECK_FALSE(is_locked(*users.get_user("yamada.hanako"), *fifth.locked_until + 1));

    auto actions = ledger_actions(temp);
    CHECK(std::count(actions.begin(), actions.end(), "user.login_failed") == 7);
    CHECK(std::count(actions.begin(), actions.end(), "user.locked") == 1);
}

TEST_CASE("failures spread over more than 15 minutes do not lock", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    const LockoutPolicy policy;
    // One failure every 4 minutes: never 5 inside any 15-minute window.
    for (int i = 0; i < 10; ++i) {
        LoginFailure f = logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + i * 240, policy);
        CHECK(f.failures_in_window <= 4);
        CHECK_FALSE(f.locked_until);
    }
    User user = *users.get_user("yamada.hanako");
    CHECK(user.failed_since_success == 10);
    CHECK_FALSE(user.locked_until);

    // A tighter policy from the configuration is honoured.
    LockoutPolicy strict{3, 3600, 60};
    LoginFailure f = logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + 2400, strict);
    CHECK(f.failures_in_window >= 3);
    CHECK(f.locked_until == kStart + 2400 + 60);
    CHECK_THROWS_WITH(logins.record_login_failure("yamada.hanako", "x", kStart, LockoutPolicy{0, 1, 1}),
                      Catch::Contains("lockout policy"));
}

TEST_CASE("unlock lifts the lock and forgets the failures in the window", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    for (int i = 0; i < 5; ++i)
        logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + i, {});
    REQUIRE(is_locked(*users.get_user("yamada.hanako"), kStart + 10));

    temp.set_now(kStart + 100);
    logins.unlock("yamada.hanako", "admin:bob");
    User user = *users.get_user("yamada.hanako");
    CHECK_FALSE(user.locked_until);
    CHECK_FALSE(is_locked(user, kStart + 10));
    CHECK(user.updated_by == "admin:bob");
    CHECK(logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + 101, {}).failures_in_window == 1);
    auto entries = temp.open_ledger()->ledger();
    auto unlock = std::find_if(entries.begin(), entries.end(),
                               [](const LedgerEntry& e) { return e.action == "user.unlock"; });
    REQUIRE(unlock != entries.end());
    CHECK(unlock->actor == "admin:bob");
    CHECK(unlock->details == "{\"was_locked_until\":" + std::to_string(kStart + 4 + 1800) + "}");
}

TEST_CASE("a successful login resets the failures and returns the previous login", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    User first = logins.record_login_success("yamada.hanako", "10.0.0.1", kStart + 100);
    CHECK_FALSE(first.last_login_at); // never logged in before

    logins.record_login_failure("yamada.hanako", "10.6.6.6", kStart + 200, {});
    logins.record_login_failure("yamada.hanako", "10.6.6.6", kStart + 210, {});
    User before = logins.record_login_success("yamada.hanako", "10.0.0.2", kStart + 300);
    CHECK(before.last_login_at == kStart + 100);
    CHECK(before.last_login_from == "10.0.0.1");
    CHECK(before.failed_since_success == 2);
    CHECK(before.last_failed_at == kStart + 210);

    User now = *users.get_user("yamada.hanako");
    CHECK(now.last_login_at == kStart + 300);
    CHECK(now.last_login_from == "10.0.0.2");
    CHECK(now.failed_since_success == 0);
    CHECK(now.last_failed_at == kStart + 210); // kept: "the last failure was at ..."
    // The window restarted too.
    CHECK(logins.record_login_failure("yamada.hanako", "10.6.6.6", kStart + 310, {}).failures_in_window == 1);

    auto entries = temp.open_ledger()->ledger();
    auto login = std::find_if(entries.rbegin(), entries.rend(),
                              [](const LedgerEntry& e) { return e.action == "user.login"; });
    REQUIRE(login != entries.rend());
    CHECK(login->actor == "user:yamada.hanako");
    CHECK(login->at == kStart + 300);
    CHECK(login->details == R"({"source_address":"10.0.0.2","failures_since_previous":2})");
}
