// The periodic review report as a pure function of registry data: who is listed in each of
// the six lists, in which order, and what the ledger digest keeps of administrators' actions
// and break-glass periods.
#include "review/ledger_digest.hpp"
#include "review/review_report.hpp"
#include "store/login_records.hpp"

#include <catch2/catch.hpp>

using namespace sekisho;
using namespace sekisho::review;

namespace {

constexpr UnixSeconds kNow = 1'800'000'000; // 2027-01-15
constexpr UnixSeconds kDay = 86400;

store::User user(const std::string& id, std::optional<UnixSeconds> last_login, std::vector<std::string> roles = {"nurse"}) {
    store::User u;
    u.id = id;
    u.display_name = id + " name";
    u.facility = "north";
    u.roles = std::move(roles);
    u.created_at = u.updated_at = kNow - 400 * kDay;
    u.last_login_at = last_login;
    return u;
}

store::Device device(const std::string& id, std::optional<UnixSeconds> last_seen,
                     std::vector<UnixSeconds> certificate_ends = {kNow + 365 * kDay}) {
    store::Device d;
    d.id = id;
    d.facility = "north";
    d.name = id + "-pc";
    d.created_at = kNow - 400 * kDay;
    d.last_seen_at = last_seen;
    int n = 0;
    for (const auto end : certificate_ends) {
        store::DeviceCertificate c;
        c.serial_hex = id + "-" + std::to_string(++n);
        c.not_before = kNow - 300 * kDay;
        c.not_after = end;
        c.issuer = "device-ca";
        d.certificates.push_back(c);
    }
    return d;
}

store::LedgerEntry entry(std::int64_t seq, UnixSeconds at, const std::string& actor, const std::string& action,
                         const std::string& subject, const std::string& details = "{}") {
    return {seq, at, actor, action, subject, "because", details};
}

std::vector<std::string> ids(const auto& lines, auto id_of) {
    std::vector<std::string> out;
    for (const auto& line : lines) out.push_back(id_of(line));
    return out;
}

} // namespace

TEST_CASE("inactive users: never logged in first, then the longest idle; recent, disabled and break-glass not",
          "[review]") {
    ReviewInput input;
    input.users = {user("recent", kNow - 10 * kDay), user("stale", kNow - 100 * kDay),
                   user("staler", kNow - 200 * kDay), user("never", std::nullopt), user("edge", kNow - 90 * kDay)};
    auto disabled = user("gone", std::nullopt);
    disabled.status = store::UserStatus::disabled;
    auto emergency = user("bg", std::nullopt);
    emergency.break_glass = true;
    input.users.push_back(disabled);
    input.users.push_back(emergency);

    const auto report = build_review_report(input, ReviewOptions{}, kNow);
    CHECK(ids(report.inactive_users, [](const InactiveUser& l) { return l.user.id; }) ==
          std::vector<std::string>{"never", "staler", "stale", "edge"});
    CHECK_FALSE(report.inactive_users[0].idle_days);
    CHECK(report.inactive_users[1].idle_days == 200);

    ReviewOptions longer;
    longer.days = 150;
    CHECK(build_review_report(input, longer, kNow).inactive_users.size() == 2); // never, staler
}

TEST_CASE("unseen devices: never seen or not for N days, revoked ones left out", "[review]") {
    ReviewInput input;
    auto revoked = device("dev-revoked", std::nullopt);
    revoked.status = store::DeviceStatus::revoked;
    input.devices = {device("dev-seen", kNow - kDay), device("dev-old", kNow - 120 * kDay),
                     device("dev-never", std::nullopt), revoked};
    const auto report = build_review_report(input, ReviewOptions{}, kNow);
    CHECK(ids(report.unseen_devices, [](const UnseenDevice& l) { return l.device.id; }) ==
          std::vector<std::string>{"dev-never", "dev-old"});
    CHECK(report.unseen_devices[1].idle_days == 120);
}

TEST_CASE("expiring certificates: a device judged by its newest certificate, soonest first, expired marked",
          "[review]") {
    ReviewInput input;
    input.devices = {device("dev-renewed", kNow, {kNow + 5 * kDay, kNow + 365 * kDay}),
                     device("dev-soon", kNow, {kNow + 10 * kDay + 60}),
                     device("dev-expired", kNow, {kNow - 2 * kDay}),
                     device("dev-far", kNow, {kNow + 31 * kDay})};
    auto revoked_cert = device("dev-revoked-cert", kNow, {kNow + 3 * kDay});
    revoked_cert.certificates[0].revoked_at = kNow - kDay;
    input.devices.push_back(revoked_cert);

    const auto report = build_review_report(input, ReviewOptions{}, kNow);
    REQUIRE(report.expiring.size() == 2);
    CHECK(report.expiring[0].device_id == "dev-expired");
    CHECK(report.expiring[0].expired);
    CHECK(report.expiring[1].device_id == "dev-soon");
    CHECK(report.expiring[1].days_left == 10);
    CHECK_FALSE(report.expiring[1].expired);
}

TEST_CASE("administrators hold any of admin, operator, auditor, security; active admins are counted", "[review]") {
    ReviewInput input;
    input.users = {user("alice", kNow, {"admin"}), user("bob", kNow, {"nurse", "auditor"}),
                   user("carol", std::nullopt, {"nurse"}), user("dave", kNow, {"admin", "security"})};
    input.users[3].status = store::UserStatus::disabled;
    input.admin_actions["alice"] = {{7, kNow - 60, "admin:alice", "user.disable", "carol", "left"}};

    const auto report = build_review_report(input, ReviewOptions{}, kNow);
    REQUIRE(report.administrators.size() == 3);
    CHECK(report.administrators[0].user.id == "alice");
    CHECK(report.administrators[0].last_actions.size() == 1);
    CHECK(report.administrators[1].roles == std::vector<std::string>{"auditor"});
    CHECK(report.administrators[2].roles == std::vector<std::string>{"admin", "security"});
    CHECK(report.active_admins == 1); // dave is disabled, bob is no admin
}

TEST_CASE("break-glass accounts with their open period and events; locked accounts", "[review]") {
    ReviewInput input;
    auto bg = user("emergency", std::nullopt);
    bg.break_glass = true;
    bg.break_glass_until = kNow + 3600;
    auto locked = user("locked", kNow - kDay);
    locked.locked_until = kNow + 600;
    auto lock_over = user("was-locked", kNow - kDay);
    lock_over.locked_until = kNow - 600;
    input.users = {bg, locked, lock_over};
    input.break_glass_events = {{3, kNow - 100, "EMERGENCY", "user.break_glass_open", "admin:alice", "ward fire", kNow + 3600},
                                {4, kNow - 50, "other", "user.login", "user:other", "", std::nullopt}};

    const auto report = build_review_report(input, ReviewOptions{}, kNow);
    REQUIRE(report.break_glass.size() == 1);
    CHECK(report.break_glass[0].open_now);
    REQUIRE(report.break_glass[0].events.size() == 1); // ids compare regardless of case
    CHECK(report.break_glass[0].events[0].until == kNow + 3600);
    REQUIRE(report.locked.size() == 1);
    CHECK(report.locked[0].user.id == "locked");
}

TEST_CASE("the ledger digest keeps each administrator's latest actions, not their logins", "[review]") {
    const std::vector<store::User> users = {user("Alice", kNow, {"admin"}), user("nurse", kNow)};
    LedgerDigest digest(users, kNow - 90 * kDay, 2);
    digest.add(entry(1, kNow - 50, "admin:alice", "user.create", "nurse"));
    digest.add(entry(2, kNow - 40, "user:Alice", "user.login", "Alice"));
    digest.add(entry(3, kNow - 30, "os:ALICE", "device.suspend", "dev-1"));
    digest.add(entry(4, kNow - 20, "admin:alice", "user.unlock", "nurse"));
    digest.add(entry(5, kNow - 10, "admin:nurse", "user.disable", "x")); // nurse is no administrator
    digest.add(entry(6, kNow - 5, "gateway:renewal", "certificate.revoke", "dev-1"));

    const auto actions = digest.admin_actions();
    REQUIRE(actions.size() == 1);
    const auto& alice = actions.at("Alice");
    REQUIRE(alice.size() == 2);
    CHECK(alice[0].seq == 4);
    CHECK(alice[1].seq == 3);
    CHECK(actor_names("admin:alice", "ALICE"));
    CHECK_FALSE(actor_names("admin:alice2", "alice"));
    CHECK_FALSE(actor_names("alice:", "alice"));
}

TEST_CASE("the ledger digest keeps the break-glass events of the period only", "[review]") {
    auto bg = user("bg", std::nullopt);
    bg.break_glass = true;
    LedgerDigest digest({bg, user("nurse", kNow)}, kNow - 90 * kDay, 5);
    digest.add(entry(1, kNow - 200 * kDay, "admin:alice", "user.break_glass_open", "bg", R"({"until":1})"));
    digest.add(entry(2, kNow - 10 * kDay, "admin:alice", "user.break_glass_open", "bg",
                     R"({"until":)" + std::to_string(kNow - 9 * kDay) + "}"));
    digest.add(entry(3, kNow - 10 * kDay + 60, "user:bg", "user.login", "bg"));
    digest.add(entry(4, kNow - 10 * kDay + 90, "user:nurse", "user.login", "nurse"));
    digest.add(entry(5, kNow - 10 * kDay + 600, "admin:alice", "user.break_glass_close", "bg"));

    const auto& events = digest.break_glass_events();
    REQUIRE(events.size() == 3);
    CHECK(events[0].action == "user.break_glass_open");
    CHECK(events[0].until == kNow - 9 * kDay);
    CHECK(events[1].action == "user.login");
    CHECK(events[2].action == "user.break_glass_close");
}
