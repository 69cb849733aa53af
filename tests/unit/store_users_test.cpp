#include "store_test_support.hpp"

#include "credentials/password_hash.hpp"
#include "credentials/password_reuse.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_db.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::credentials;
using namespace sekisho::store;
using namespace sekisho::store::test;

namespace {

// The reuse check as the gateway and sekishoctl make it: the registry's history, then
// Argon2id over it (credentials/password_reuse.hpp).
bool reused(UserRegistry& users, const std::string& id, std::string_view password,
            std::size_t depth = kPasswordHistoryDepth) {
    return password_reused(password, users.password_history(id), depth);
}

} // namespace

TEST_CASE("users are created, read back and listed by facility", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    User created = make_nurse(*users);
    CHECK(created.id == "yamada.hanako");
    CHECK(created.roles == std::vector<std::string>{"nurse", "ward-3"});
    CHECK(created.status == UserStatus::active);
    CHECK(created.must_change);
    CHECK(created.created_at == kStart);
    CHECK(created.created_by == "admin:alice");
    CHECK_FALSE(created.break_glass);

    temp.set_now(kStart + 10);
    users->create_user("dr.sato@north", "佐藤 一郎", "north", {"doctor", "doctor"}, fast_hash("x"), false,
                       "admin:alice");
    users->create_user("clerk1", "Suzuki", "south", {}, fast_hash("y"), false, "admin:bob");

    std::optional<User> read = users->get_user("yamada.hanako");
    REQUIRE(read);
    CHECK(read->display_name == "Yamada Hanako");
    CHECK(read->facility == "north");
    CHECK(read->roles == created.roles);
    CHECK(read->password_hash == created.password_hash);
    CHECK(verify_password("First-Pass-1", read->password_hash));
    CHECK(read->must_change);
    CHECK_FALSE(read->last_login_at);
    CHECK(read->failed_since_success == 0);
    CHECK_FALSE(read->locked_until);

    // Ids are looked up regardless of case, and keep their spelling.
    REQUIRE(users->get_user("Yamada.Hanako"));
    CHECK(users->get_user("Yamada.Hanako")->id == "yamada.hanako");
    CHECK_FALSE(users->get_user("nobody"));
    CHECK_FALSE(users->get_user("bad id with spaces"));
    CHECK_FALSE(users->get_user(""));

    auto dr = users->get_user("dr.sato@north");
    REQUIRE(dr);
    CHECK(dr->roles == std::vector<std::string>{"doctor"}); // duplicates dropped
    CHECK(dr->display_name == "佐藤 一郎");

    auto all = users->list_users();
    REQUIRE(all.size() == 3);
    CHECK(all[0].id == "clerk1");
    CHECK(all[1].id == "dr.sato@north");
    CHECK(all[2].id == "yamada.hanako");
    auto north = users->list_users(std::string("north"));
    REQUIRE(north.size() == 2);
    CHECK(users->list_users(std::string("east")).empty());
}

TEST_CASE("bad ids, roles, hashes and duplicates are refused with a clear message", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    std::string hash = fast_hash("Some-Pass-1");
    CHECK_THROWS_WITH(users.create_user("Yamada.HANAKO", "Other", "north", {}, hash, false, "admin:alice"),
                      Catch::Contains("already exists") && Catch::Contains("yamada.hanako") &&
                          Catch::Contains("create user Yamada.HANAKO") && Catch::Contains(temp.location()));
    CHECK_THROWS_WITH(users.create_user("bad id", "X", "north", {}, hash, false, "admin:alice"),
                      Catch::Contains("not valid") && Catch::Contains("A-Z a-z 0-9 . _ @ -"));
    CHECK_THROWS_AS(users.create_user("", "X", "north", {}, hash, false, "admin:alice"), RegistryError);
    CHECK_THROWS_AS(users.create_user(std::string(65, 'a'), "X", "north", {}, hash, false, "admin:alice"),
                    RegistryError);
    CHECK_NOTHROW(users.create_user(std::string(64, 'a'), "X", "north", {}, hash, false, "admin:alice"));
    CHECK_THROWS_WITH(users.create_user("ok", "X", "north", {"Nurse"}, hash, false, "admin:alice"),
                      Catch::Contains("role \"Nurse\" is not valid"));
    CHECK_THROWS_WITH(users.create_user("ok", "X", "north", {"a b"}, hash, false, "admin:alice"),
                      Catch::Contains("role"));
    CHECK_THROWS_WITH(users.create_user("ok", "X", "north", {}, "Plain-Text-1", false, "admin:alice"),
                      Catch::Contains("Argon2id"));
    CHECK_THROWS_WITH(users.create_user("ok", "", "north", {}, hash, false, "admin:alice"),
                      Catch::Contains("display name"));
    CHECK_THROWS_WITH(users.create_user("ok", "X", "", {}, hash, false, "admin:alice"),
                      Catch::Contains("facility"));
    CHECK_THROWS_WITH(users.create_user("ok", "X", "north", {}, hash, false, ""), Catch::Contains("actor"));
    CHECK_FALSE(users.get_user("ok"));

    CHECK_THROWS_WITH(users.set_password("nobody", hash, false, "admin:alice", "", PasswordChange::by_user),
                      Catch::Contains("nobody") && Catch::Contains("no such user"));
    CHECK_THROWS_WITH(users.set_status("nobody", UserStatus::disabled, "", "admin:alice"),
                      Catch::Contains("no such user"));
    CHECK_THROWS_WITH(logins.unlock("nobody", "admin:alice"), Catch::Contains("no such user"));
    CHECK_THROWS_WITH(logins.record_login_failure("nobody", "10.0.0.1", kStart, {}),
                      Catch::Contains("no such user"));
    CHECK_THROWS_WITH(users.password_history("nobody"), Catch::Contains("no such user"));
    CHECK_THROWS_WITH(users.password_history("bad id"), Catch::Contains("not valid"));
}

TEST_CASE("password changes keep the last 5 hashes and reuse is detected", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    make_nurse(*users);
    CHECK(users->password_history("yamada.hanako").size() == 1);
    for (int i = 2; i <= 7; ++i) {
        temp.set_now(kStart + i);
        users->set_password("yamada.hanako", fast_hash("Pass-number-" + std::to_string(i)), false,
                            "user:yamada.hanako", "", PasswordChange::by_user);
    }
    auto history = users->password_history("YAMADA.hanako");
    REQUIRE(history.size() == 5);
    // Most recent first; the current hash included.
    CHECK(history[0] == users->get_user("yamada.hanako")->password_hash);
    CHECK(verify_password("Pass-number-7", history[0]));
    CHECK(verify_password("Pass-number-3", history[4]));

    CHECK(reused(*users, "yamada.hanako", "Pass-number-7"));
    CHECK(reused(*users, "yamada.hanako", "Pass-number-3"));
    CHECK_FALSE(reused(*users, "yamada.hanako", "Pass-number-2")); // sixth back: forgotten
    CHECK_FALSE(reused(*users, "yamada.hanako", "First-Pass-1"));
    CHECK_FALSE(reused(*users, "yamada.hanako", "Brand-New-9"));
    CHECK_FALSE(reused(*users, "yamada.hanako", "Pass-number-3", 3)); // a shorter policy
    CHECK_THROWS_AS(reused(*users, "nobody", "x"), RegistryError);

    User after = *users->get_user("yamada.hanako");
    CHECK_FALSE(after.must_change);
    CHECK(after.updated_at == kStart + 7);
    CHECK(after.updated_by == "user:yamada.hanako");
}

TEST_CASE("an administrator's reset needs the identity check and forces a change", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    make_nurse(*users);
    std::string temporary = fast_hash("Temp-Pass-42");
    CHECK_THROWS_WITH(
        users->set_password("yamada.hanako", temporary, true, "admin:bob", "", PasswordChange::admin_reset),
        Catch::Contains("identity check"));
    CHECK_THROWS_WITH(users->set_password("yamada.hanako", "Temp-Pass-42", true, "admin:bob", "id checked",
                                          PasswordChange::admin_reset),
                      Catch::Contains("Argon2id"));
    users->set_password("yamada.hanako", temporary, true, "admin:bob", "staff card checked in person by bob",
                        PasswordChange::admin_reset);
    CHECK(users->get_user("yamada.hanako")->must_change);
    auto entries = temp.open_ledger()->ledger();
    REQUIRE(entries.size() == 2);
    CHECK(entries[1].action == "user.password_reset");
    CHECK(entries[1].actor == "admin:bob");
    CHECK(entries[1].subject == "yamada.hanako");
    CHECK(entries[1].reason == "staff card checked in person by bob");
    CHECK(entries[1].details == R"({"must_change":1})");
}

TEST_CASE("a reset or a disable raises the session epoch; the user's own change does not", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    make_nurse(*users);
    const auto epoch = [&] { return users->get_user("yamada.hanako")->session_epoch; };
    CHECK(epoch() == 0);
    // The session that changes its own password goes on: the epoch stays.
    users->set_password("yamada.hanako", fast_hash("Own-Pass-9!"), false, "yamada.hanako", "changed",
                        PasswordChange::by_user);
    CHECK(epoch() == 0);
    users->set_password("yamada.hanako", fast_hash("Temp-Pass-42!"), true, "admin:bob", "card checked by bob",
                        PasswordChange::admin_reset);
    CHECK(epoch() == 1);
    users->set_status("yamada.hanako", UserStatus::disabled, "on leave", "admin:bob");
    CHECK(epoch() == 2);
    users->set_status("yamada.hanako", UserStatus::active, "back", "admin:bob");
    CHECK(epoch() == 2);
    CHECK(users->list_users()[0].session_epoch == 2);
}

TEST_CASE("the last active admin cannot be disabled, in the same transaction as the change", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    users->create_user("kanri", "kanri", "hq", {"nurse", "admin"}, fast_hash("x"), false, "local:root");
    users->create_user("kanri2", "kanri2", "hq", {"admin"}, fast_hash("x"), false, "local:root");
    users->create_user("kinkyu", "kinkyu", "hq", {"admin"}, fast_hash("x"), false, "local:root");
    temp.open_registry()->break_glass().set_break_glass_account("kinkyu", true, "emergency", "local:root");
    users->create_user("administrator-ish", "administrator-ish", "hq", {"regional-admin"}, fast_hash("x"), false, "local:root");
    users->set_status("kanri2", UserStatus::disabled, "left", "admin:kanri");
    // kinkyu (break-glass) and regional-admin do not count: kanri is the last one.
    CHECK_THROWS_WITH(users->set_status("kanri", UserStatus::disabled, "test", "admin:kanri"),
                      Catch::Contains("last active administrator"));
    CHECK(users->get_user("kanri")->status == UserStatus::active);
    users->set_status("kanri2", UserStatus::active, "back", "admin:kanri");
    users->set_status("kanri", UserStatus::disabled, "on leave", "admin:kanri2");
    CHECK(users->get_user("kanri")->status == UserStatus::disabled);
    CHECK_NOTHROW(users->set_status("administrator-ish", UserStatus::disabled, "left", "admin:kanri2"));
}

TEST_CASE("a rehash replaces the current hash without a history entry, unless it changed", "[store][users]") {
    TempRegistry temp;
    auto users = temp.open_users();
    make_nurse(*users);
    const std::string old_hash = users->get_user("yamada.hanako")->password_hash;
    const std::string stronger = hash_password("First-Pass-1", Argon2Params{2048, 2, 1});
    CHECK_FALSE(users->rehash_password("yamada.hanako", fast_hash("other"), stronger)); // not the current one
    CHECK(users->get_user("yamada.hanako")->password_hash == old_hash);
    REQUIRE(users->rehash_password("yamada.hanako", old_hash, stronger));
    CHECK(users->get_user("yamada.hanako")->password_hash == stronger);
    CHECK(users->password_history("yamada.hanako") == std::vector<std::string>{stronger});
    CHECK(reused(*users, "yamada.hanako", "First-Pass-1"));
    CHECK(temp.open_ledger()->ledger().back().action == "user.password_rehash");
}

TEST_CASE("disable and enable, each once, and a disabled user cannot log in", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    temp.set_now(kStart + 5);
    users.set_status("yamada.hanako", UserStatus::disabled, "left the hospital", "admin:bob");
    User user = *users.get_user("yamada.hanako");
    CHECK(user.status == UserStatus::disabled);
    CHECK(user.updated_at == kStart + 5);
    CHECK_THROWS_WITH(users.set_status("yamada.hanako", UserStatus::disabled, "", "admin:bob"),
                      Catch::Contains("already disabled"));
    CHECK_THROWS_WITH(logins.record_login_success("yamada.hanako", "10.0.0.1", kStart + 6),
                      Catch::Contains("disabled"));
    users.set_status("yamada.hanako", UserStatus::active, "rehired", "admin:bob");
    CHECK(users.get_user("yamada.hanako")->status == UserStatus::active);
    CHECK_NOTHROW(logins.record_login_success("yamada.hanako", "10.0.0.1", kStart + 7));
    CHECK(parse_user_status("disabled") == UserStatus::disabled);
    CHECK_THROWS_AS(parse_user_status("locked"), RegistryError);
}

TEST_CASE("every user change leaves a ledger entry and never a password", "[store][users]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& logins = registry->logins();
    make_nurse(users);
    users.set_password("yamada.hanako", fast_hash("Second-Pass-2"), false, "user:yamada.hanako", "",
                       PasswordChange::by_user);
    users.set_password("yamada.hanako", fast_hash("Temp-Pass-3"), true, "admin:bob",
                       "called back on extension 1234", PasswordChange::admin_reset);
    users.set_status("yamada.hanako", UserStatus::disabled, "on leave", "admin:bob");
    users.set_status("yamada.hanako", UserStatus::active, "back", "admin:bob");
    for (int i = 0; i < 5; ++i)
        logins.record_login_failure("yamada.hanako", "10.0.0.9", kStart + i, {});
    logins.unlock("yamada.hanako", "admin:bob");
    logins.record_login_success("yamada.hanako", "10.0.0.1", kStart + 10);

    CHECK(ledger_actions(temp) ==
          std::vector<std::string>{"user.create", "user.password_set", "user.password_reset", "user.disable",
                                   "user.enable", "user.login_failed", "user.login_failed",
                                   "user.login_failed", "user.login_failed", "user.login_failed",
                                   "user.locked", "user.unlock", "user.login"});
    auto entries = temp.open_ledger()->ledger();
    CHECK(entries[0].details ==
          R"({"facility":"north","display_name":"Yamada Hanako","roles":"nurse ward-3","must_change":1})");
    CHECK(entries[3].reason == "on leave");
    CHECK(entries[3].details == R"({"from":"active","to":"disabled"})");
    CHECK(entries[5].actor == "client:10.0.0.9");
    CHECK(entries[10].reason == "5 failed logins within 900 s");
    for (const LedgerEntry& e : entries) {
        CHECK(e.subject == "yamada.hanako");
        CHECK(e.details.find("argon2") == std::string::npos);
    }
    // Refused operations write nothing.
    std::size_t before = entries.size();
    CHECK_THROWS(users.set_status("yamada.hanako", UserStatus::active, "", "admin:bob"));
    CHECK_THROWS(make_nurse(users));
    CHECK(temp.open_ledger()->ledger().size() == before);
    // Passwords themselves are nowhere in the file.
    for (const char* password : {"First-Pass-1", "Second-Pass-2", "Temp-Pass-3"})
        CHECK(temp.all_bytes().find(password) == std::string::npos);
}

TEST_CASE("devices and users share one store, its ledger and its revision", "[store][users]") {
    TempRegistry temp;
    auto devices = temp.open();
    auto users = temp.open_users();
    auto logins = temp.open_logins();
    std::int64_t start = devices->revision();
    CHECK(users->revision() == start);
    Device d = devices->create_device("north", "pc", "admin:alice");
    CHECK(users->revision() == start + 1);
    make_nurse(*users);
    CHECK(devices->revision() == start + 2);
    // A login outcome is in the ledger but changes no view a gateway holds: no new revision
    // (a login storm must not make every gateway reload its admission and standings).
    logins->record_login_failure("yamada.hanako", "10.0.0.9", kStart, {});
    CHECK(devices->revision() == start + 2);
    devices->add_certificate(d.id, test_certificate(1), "est:ticket");
    CHECK(users->revision() == start + 3);

    auto entries = temp.open_ledger()->ledger();
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].action == "device.create");
    CHECK(entries[1].action == "user.create");
    CHECK(entries[2].action == "user.login_failed");
    CHECK(entries[3].action == "certificate.add");
}

TEST_CASE("a registry file from before the users tables gains them and keeps its devices", "[store][users][sqlite]") {
    TempRegistry temp;
    std::string device_id = temp.open()->create_device("north", "pc", "admin:alice").id;
    {
        // Back to schema version 1, as an older Sekisho left it.
        sqlite::Database raw(temp.path());
        raw.exec("DROP INDEX certificates_by_not_after; DROP INDEX certificates_superseded; "
                 "DROP INDEX certificates_revoked; DROP INDEX devices_suspended; "
                 "ALTER TABLE certificates DROP COLUMN superseded_from; "
                 "DROP TABLE incident_alerts; DROP TABLE incident_notes; DROP TABLE incidents; "
                 "DROP TABLE login_failures; DROP TABLE password_history; DROP TABLE users; "
                 "ALTER TABLE devices DROP COLUMN last_seen_at; "
                 "ALTER TABLE tickets DROP COLUMN temporary_validity; ALTER TABLE devices DROP COLUMN is_temporary; "
                 "PRAGMA user_version = 1",
                 "test");
    }
    auto users = temp.open_users();
    make_nurse(*users);
    CHECK(users->get_user("yamada.hanako"));
    auto devices = temp.open();
    CHECK(devices->get_device(device_id));
    CHECK(temp.open_ledger()->ledger().size() == 2);
}

TEST_CASE("break-glass accounts log in only inside an opened period, with reasons in the ledger", "[store]") {
    TempRegistry temp;
    auto registry = temp.open_registry();
    auto& users = registry->users();
    auto& break_glass = registry->break_glass();
    const UnixSeconds now = kStart;
    users.create_user("er.emergency", "ER Emergency", "ward-3", {"doctor"}, fast_hash("x"), false,
                      "admin:root");
    users.create_user("plain", "Plain User", "ward-3", {"nurse"}, fast_hash("y"), false, "admin:root");

    REQUIRE_THROWS_WITH(break_glass.set_break_glass_period("er.emergency", now + 3600, "ER", "admin:root"),
                        Catch::Contains("no break-glass account"));
    REQUIRE_THROWS_WITH(break_glass.set_break_glass_account("er.emergency", true, "", "admin:root"),
                        Catch::Contains("reason"));
    break_glass.set_break_glass_account("er.emergency", true, "emergency account for the ER", "admin:root");
    CHECK(users.get_user("er.emergency")->break_glass);
    CHECK_FALSE(users.get_user("er.emergency")->break_glass_until);

    REQUIRE_THROWS_WITH(break_glass.set_break_glass_period("er.emergency", now - 1, "ER", "admin:root"),
                        Catch::Contains("future"));
    const auto epoch = users.get_user("er.emergency")->session_epoch;
    break_glass.set_break_glass_period("er.emergency", now + 4 * 3600, "system outage, patient in ER",
                                       "admin:root");
    CHECK(users.get_user("er.emergency")->break_glass_until == now + 4 * 3600);
    // A new epoch: the gateway tells a login inside the period from its read of the users
    // before the opening (which still had the account barred).
    CHECK(users.get_user("er.emergency")->session_epoch == epoch + 1);
    break_glass.set_break_glass_period("er.emergency", std::nullopt, "outage over", "admin:root");
    CHECK_FALSE(users.get_user("er.emergency")->break_glass_until);
    REQUIRE_THROWS_WITH(
        break_glass.set_break_glass_period("er.emergency", std::nullopt, "again", "admin:root"),
        Catch::Contains("no break-glass period is open"));
    REQUIRE_THROWS(break_glass.set_break_glass_period("plain", now + 60, "x", "admin:root"));
}
