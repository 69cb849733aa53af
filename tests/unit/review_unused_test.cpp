// The unused-account policy: which accounts it finds, which it must keep (break-glass, the
// last active admin), and, on a real registry, that each disable is ledgered with the actor
// and the reason while a dry run changes nothing.
#include "review/unused_accounts.hpp"

#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace sekisho;
using namespace sekisho::review;
using sekisho::store::test::kStart;
using sekisho::store::test::TempRegistry;

namespace {

constexpr UnixSeconds kDay = 86400;
constexpr UnixSeconds kNow = 1'800'000'000;

store::User account(const std::string& id, UnixSeconds used, std::vector<std::string> roles = {"nurse"}) {
    store::User u;
    u.id = id;
    u.roles = std::move(roles);
    u.created_at = u.updated_at = used;
    return u;
}

std::string kept_because(const std::vector<UnusedAccount>& found, const std::string& id) {
    const auto it = std::find_if(found.begin(), found.end(), [&](const auto& a) { return a.user.id == id; });
    REQUIRE(it != found.end());
    return it->kept_because;
}

} // namespace

TEST_CASE("unused accounts: the latest of login, creation and change counts; disabled ones are left alone",
          "[review]") {
    auto logged_in = account("logged-in", kNow - 200 * kDay);
    logged_in.last_login_at = kNow - 5 * kDay;
    auto reset = account("reset", kNow - 200 * kDay);
    reset.updated_at = kNow - 5 * kDay; // an administrator re-enabled or reset it lately
    auto disabled = account("disabled", kNow - 200 * kDay);
    disabled.status = store::UserStatus::disabled;
    auto stale = account("stale", kNow - 200 * kDay);
    stale.last_login_at = kNow - 150 * kDay;

    const auto found = find_unused_accounts({logged_in, reset, disabled, stale, account("new", kNow - kDay)}, 90, kNow);
    REQUIRE(found.size() == 1);
    CHECK(found[0].user.id == "stale");
    CHECK(found[0].idle_days == 150);
    CHECK(found[0].kept_because.empty());
    CHECK_THAT(unused_reason(found[0], 90), Catch::Contains("unused for 150 days") && Catch::Contains("90 days"));
}

TEST_CASE("never disabled: break-glass accounts and the last active admin (the most recently used one)",
          "[review]") {
    auto emergency = account("emergency", kNow - 400 * kDay);
    emergency.break_glass = true;
    const std::vector<store::User> users = {account("admin-old", kNow - 300 * kDay, {"admin"}),
                                            account("admin-newer", kNow - 100 * kDay, {"admin"}), emergency,
                                            account("auditor", kNow - 300 * kDay, {"auditor"})};
    const auto found = find_unused_accounts(users, 90, kNow);
    REQUIRE(found.size() == 4);
    CHECK_THAT(kept_because(found, "emergency"), Catch::Contains("break-glass"));
    CHECK(kept_because(found, "admin-old").empty());
    CHECK_THAT(kept_because(found, "admin-newer"), Catch::Contains("last active administrator"));
    CHECK(kept_because(found, "auditor").empty()); // only role admin is the last-admin rule's

    // A break-glass account holding admin is no administrator of normal operation: still the last.
    auto emergency_admin = account("bg-admin", kNow - kDay, {"admin"});
    emergency_admin.break_glass = true;
    auto with_emergency_admin = users;
    with_emergency_admin.push_back(emergency_admin);
    CHECK_THAT(kept_because(find_unused_accounts(with_emergency_admin, 90, kNow), "admin-newer"),
               Catch::Contains("last active administrator"));

    // An active admin in use elsewhere: both stale admins may go.
    auto with_third = users;
    with_third.push_back(account("admin-active", kNow - kDay, {"admin"}));
    for (const auto& a : find_unused_accounts(with_third, 90, kNow))
        if (a.user.id.starts_with("admin-")) CHECK(a.kept_because.empty());
}

TEST_CASE("disable_unused_accounts ledgers each disable with actor and reason; a dry run changes nothing",
          "[review]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    store::test::make_nurse(registry->users(), "stale.nurse");
    store::test::make_nurse(registry->users(), "boss");
    registry->users().create_user("root-admin", "Root", "north", {"admin"}, store::test::fast_hash("First-Pass-1"),
                                  false, "admin:setup");
    const auto later = kStart + 120 * kDay;
    // Logged in lately: stays.
    registry->logins().record_login_success("boss", "10.0.0.1", later - kDay);

    const auto revision = registry->users().revision();
    const auto dry = disable_unused_accounts(registry->users(), 90, "admin:tester", true, later);
    CHECK(dry.disabled == 0);
    REQUIRE(dry.accounts.size() == 2); // root-admin kept as the last admin, stale.nurse found
    CHECK(registry->users().revision() == revision);
    CHECK(registry->users().get_user("stale.nurse")->status == store::UserStatus::active);

    const auto done = disable_unused_accounts(registry->users(), 90, "admin:tester", false, later);
    CHECK(done.disabled == 1);
    CHECK(done.failures.empty());
    CHECK(registry->users().get_user("stale.nurse")->status == store::UserStatus::disabled);
    CHECK(registry->users().get_user("root-admin")->status == store::UserStatus::active);
    CHECK(registry->users().get_user("boss")->status == store::UserStatus::active);
    const auto ledger = registry->ledger().ledger();
    REQUIRE_FALSE(ledger.empty());
    CHECK(ledger.back().action == "user.disable");
    CHECK(ledger.back().subject == "stale.nurse");
    CHECK(ledger.back().actor == "admin:tester");
    CHECK_THAT(ledger.back().reason, Catch::Contains("unused for 120 days") && Catch::Contains("never logged in"));
}
