#include "gateway/events/event_history.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace sekisho::gateway;
using namespace std::chrono;

namespace {

// 2026-11-22 04:00:00 UTC, a whole minute, so that offsets below land in known buckets.
const system_clock::time_point kT0{seconds(1'795'320'000)};

struct Fixture {
    std::shared_ptr<system_clock::time_point> now = std::make_shared<system_clock::time_point>(kT0);
    EventHistory history{10, [n = now] { return *n; }};

    void failed_login(std::string_view user, std::string_view detail, std::string_view facility = "demo-clinic",
                      std::string_view device = "ab12") {
        history.record(spdlog::level::warn, "login.failed",
                       std::initializer_list<LogField>{{"reason", "bad_credentials"}, {"detail", detail},
                                                       {"user", user}, {"device", device},
                                                       {"facility", facility}, {"peer", "10.0.0.7"}});
    }
    std::uint64_t count(const FailureSummary& s, FailureDimension d, std::string_view key) {
        for (const auto& [k, n] : s.of(d))
            if (k == key) return n;
        return 0;
    }
};

} // namespace

TEST_CASE("failures are counted by reason, facility, terminal and user") {
    Fixture f;
    f.failed_login("alice", "wrong_password");
    f.failed_login("alice", "wrong_password");
    f.failed_login("bob", "unknown_user", "other-clinic", "cd34");
    f.history.record(spdlog::level::critical, "login.locked",
                     std::initializer_list<LogField>{{"user", "alice"}, {"device", "ab12"}, {"failures", "5"}});
    f.history.record(spdlog::level::warn, "handshake.refused",
                     std::initializer_list<LogField>{{"reason", "not_registered"}, {"peer", "10.0.0.9"},
                                                     {"subject", "/O=demo-clinic/CN=rogue"}});
    f.history.record(spdlog::level::info, "login.succeeded",
                     std::initializer_list<LogField>{{"user", "carol"}, {"facility", "demo-clinic"}});

    const auto s = f.history.failures(minutes(60), minutes(1));
    CHECK(s.total == 5);
    CHECK(f.count(s, FailureDimension::reason, "login.failed:wrong_password") == 2);
    CHECK(f.count(s, FailureDimension::reason, "login.failed:unknown_user") == 1);
    CHECK(f.count(s, FailureDimension::reason, "login.locked") == 1);
    CHECK(f.count(s, FailureDimension::reason, "handshake.refused:not_registered") == 1);
    CHECK(f.count(s, FailureDimension::facility, "demo-clinic") == 2);
    CHECK(f.count(s, FailureDimension::facility, "other-clinic") == 1);
    CHECK(f.count(s, FailureDimension::terminal, "ab12") == 3);
    CHECK(f.count(s, FailureDimension::terminal, "/O=demo-clinic/CN=rogue") == 1);
    CHECK(f.count(s, FailureDimension::user, "alice") == 3);
    CHECK(f.count(s, FailureDimension::user, "carol") == 0); // a success is no failure
    REQUIRE(!s.of(FailureDimension::user).empty());
    CHECK(s.of(FailureDimension::user).front().first == "alice"); // highest first
}

TEST_CASE("failures land in the bucket of their minute and leave after 24 hours") {
    Fixture f;
    f.failed_login("alice", "wrong_password"); // at kT0
    *f.now = kT0 + minutes(10) + seconds(30);
    f.failed_login("alice", "wrong_password");
    f.failed_login("alice", "wrong_password");

    auto hour = f.history.failures(minutes(60), minutes(1));
    REQUIRE(hour.buckets.size() == 60);
    CHECK(hour.buckets.back() == 2);
    CHECK(hour.buckets[59 - 10] == 1);
    CHECK(hour.total == 3);
    CHECK(hour.first_bucket == kT0 + minutes(10) - minutes(59));

    auto day = f.history.failures(hours(24), minutes(60));
    REQUIRE(day.buckets.size() == 24);
    CHECK(day.buckets.back() == 3);

    *f.now = kT0 + hours(24) + minutes(5); // the first failure is now older than a day
    day = f.history.failures(hours(24), minutes(60));
    CHECK(day.total == 2);
    *f.now = kT0 + hours(48);
    CHECK(f.history.failures(hours(24), minutes(60)).total == 0);
    f.failed_login("alice", "wrong_password"); // the reused slot starts from zero
    CHECK(f.history.failures(minutes(1), minutes(1)).total == 1);
}

TEST_CASE("the recent ring keeps the newest events and ignores the rest") {
    Fixture f;
    for (int i = 0; i < 25; ++i) f.failed_login("user" + std::to_string(i), "wrong_password");
    f.history.record(spdlog::level::info, "request",
                     std::initializer_list<LogField>{{"route", "ward"}, {"user", "alice"}, {"status", "200"}});
    f.history.record(spdlog::level::info, "config.reloaded", {});
    const auto recent = f.history.recent(50);
    REQUIRE(recent.size() == 10); // the capacity
    CHECK(recent.front().user == "user24");
    CHECK(recent.back().user == "user15");
    CHECK(recent.front().event == "login.failed");
    CHECK(recent.front().result == "bad_credentials (wrong_password)");
    CHECK(recent.front().facility == "demo-clinic");
    CHECK(recent.front().peer == "10.0.0.7");
    CHECK(f.history.recent(3).size() == 3);
}

TEST_CASE("a flood of distinct keys stays bounded per minute") {
    Fixture f;
    const auto n = EventHistory::kKeysPerMinute + 20;
    for (std::size_t i = 0; i < n; ++i) f.failed_login("spray" + std::to_string(i), "unknown_user");
    const auto s = f.history.failures(minutes(60), minutes(1));
    CHECK(s.total == n);
    CHECK(s.of(FailureDimension::user).size() == EventHistory::kKeysPerMinute + 1);
    CHECK(f.count(s, FailureDimension::user, EventHistory::kOtherKey) == 20);
    CHECK(f.count(s, FailureDimension::facility, "demo-clinic") == n); // the other dimensions stay exact
}

TEST_CASE("an over-long value is cut without splitting a UTF-8 character") {
    Fixture f;
    std::string name(127, 'x');
    name += "\xE3\x81\x82"; // あ across the 128-byte cap
    f.failed_login(name, "unknown_user");
    const auto recent = f.history.recent(1);
    REQUIRE(recent.size() == 1);
    CHECK(recent.front().user == std::string(127, 'x'));
}

TEST_CASE("log_event reaches an attached history, and a detached one no more") {
    EventHistory history;
    attach_history_sink(&history);
    log_event(spdlog::level::warn, "handshake.refused", {{"reason", "revoked"}, {"peer", "10.0.0.3:4711"}});
    log_event(spdlog::level::debug, "login.failed", {{"reason", "bad_credentials"}}); // below info: not an event
    attach_history_sink(nullptr);
    log_event(spdlog::level::warn, "handshake.refused", {{"reason", "expired"}});
    const auto recent = history.recent(10);
    REQUIRE(recent.size() == 1);
    CHECK(recent[0].result == "revoked");
    CHECK(recent[0].peer == "10.0.0.3:4711");
}
