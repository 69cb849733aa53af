// The session stores and the failure windows: what a user would notice as "logged out",
// "refused a fourth login" or "this terminal may not try again". The store cases run on the
// in-memory store, and once more on a real Redis when SEKISHO_TEST_REDIS_PORT is set (CTest:
// "unit session on Redis", integration/with_redis.py).
#include "session_test_support.hpp"

#include "session/concurrent_attempts.hpp"
#include "session/failure_window.hpp"
#include "session/session_cache.hpp"
#include "session/ticket_key_source.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace sekisho::session;
using sekisho::test::Made;
using sekisho::test::StoreUnderTest;
using sekisho::test::make_session;
using sekisho::test::limits;

TEST_CASE("session ids are 256-bit, base64url, and stored only as a hash", "[session]") {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto id = new_session_id();
        REQUIRE(id.size() == 43);
        REQUIRE(is_well_formed_session_id(id));
        REQUIRE(seen.insert(id).second);
        const auto hash = hash_session_id(id);
        REQUIRE(hash.size() == 64);
        REQUIRE(hash.find(id) == std::string::npos);
    }
    REQUIRE_FALSE(is_well_formed_session_id("short"));
    REQUIRE_FALSE(is_well_formed_session_id(std::string(43, '=')));
    REQUIRE(hash_session_id("a") != hash_session_id("b"));
}

TEST_CASE("a session is found while used and lost after the idle or absolute limit", "[session]") {
    StoreUnderTest store;
    auto m = make_session("alice", "dev-a", 1000);
    REQUIRE(store.run(store->create(m.s, m.id, limits(), 1000)).created);
    REQUIRE(store.run(store->touch(m.id, limits(), 1050)));
    REQUIRE(store.run(store->touch(m.id, limits(), 1149)));  // idle counted from the last touch
    REQUIRE_FALSE(store.run(store->touch(m.id, limits(), 1249)));

    auto busy = make_session("bob", "dev-b", 0);
    REQUIRE(store.run(store->create(busy.s, busy.id, limits(), 0)).created);
    for (UnixSeconds t = 90; t < 1000; t += 90) REQUIRE(store.run(store->touch(busy.id, limits(), t)));
    REQUIRE_FALSE(store.run(store->touch(busy.id, limits(), 1000))); // absolute limit, however busy

    const auto found = store.run(store->touch(make_session("x", "y", 0).id, limits(), 1)); // never made
    REQUIRE_FALSE(found);
}

TEST_CASE("the per-user cap refuses the next login or ends the oldest session", "[session]") {
    StoreUnderTest store;
    std::vector<Made> sessions;
    for (int i = 0; i < 3; ++i) {
        sessions.push_back(make_session("alice", "dev", 10 + i));
        REQUIRE(store.run(store->create(sessions.back().s, sessions.back().id, limits(), 10 + i)).created);
    }
    auto fourth = make_session("alice", "dev", 20);
    REQUIRE_FALSE(store.run(store->create(fourth.s, fourth.id, limits(), 20)).created);
    auto bob = make_session("bob", "dev", 20);
    REQUIRE(store.run(store->create(bob.s, bob.id, limits(), 20)).created); // others unaffected

    auto result = store.run(store->create(fourth.s, fourth.id, limits(true), 21));
    REQUIRE(result.created);
    REQUIRE(result.evicted.size() == 1);
    REQUIRE(result.evicted.front().id_hash == sessions.front().s.id_hash);
    REQUIRE(result.evicted.front().user == "alice");
    REQUIRE_FALSE(store.run(store->touch(sessions.front().id, limits(), 22)));
    REQUIRE(store.run(store->touch(fourth.id, limits(), 22)));

    // Expired sessions do not count towards the cap.
    auto later = make_session("alice", "dev", 500);
    REQUIRE(store.run(store->create(later.s, later.id, limits(), 500)).created);
}

TEST_CASE("sessions end by user and by terminal, and must-change can be cleared", "[session]") {
    StoreUnderTest store;
    auto a1 = make_session("alice", "dev-1", 0);
    a1.s.must_change = true;
    auto a2 = make_session("alice", "dev-2", 0);
    auto b1 = make_session("bob", "dev-1", 0);
    for (const auto& m : {a1, a2, b1}) REQUIRE(store.run(store->create(m.s, m.id, limits(), 0)).created);

    REQUIRE(store.run(store->touch(a1.id, limits(), 1))->must_change);
    REQUIRE(store.run(store->clear_must_change(a1.s.id_hash)));
    REQUIRE_FALSE(store.run(store->touch(a1.id, limits(), 1))->must_change);

    const auto by_device = store.run(store->erase_device("dev-1"));
    REQUIRE(by_device.size() == 2);
    std::set<std::string> users;
    for (const auto& s : by_device) users.insert(s.user);
    REQUIRE(users == std::set<std::string>{"alice", "bob"});
    REQUIRE_FALSE(store.run(store->touch(b1.id, limits(), 2)));
    REQUIRE(store.run(store->touch(a2.id, limits(), 2)));
    REQUIRE(store.run(store->erase_user("alice", "")).size() == 1);
    REQUIRE(store.run(store->list(limits(), 3)).empty());
    REQUIRE(store.run(store->count(limits(), 3)) == 0);
    REQUIRE_FALSE(store.run(store->erase(a2.s.id_hash)));
}

TEST_CASE("a failure window blocks a key after max failures and forgets it later", "[session]") {
    FailureWindow window({3, 60, 300});
    REQUIRE_FALSE(window.record_failure("t1", 0));
    REQUIRE_FALSE(window.record_failure("t1", 10));
    REQUIRE_FALSE(window.blocked("t1", 11));
    REQUIRE(window.record_failure("t1", 20));
    REQUIRE(window.blocked("t1", 21));
    REQUIRE_FALSE(window.blocked("t2", 21));
    REQUIRE_FALSE(window.record_failure("t1", 30)); // blocked: not counted again
    REQUIRE_FALSE(window.blocked("t1", 320));

    // Failures spread wider than the window never block.
    for (UnixSeconds t = 1000; t < 2000; t += 31) REQUIRE_FALSE(window.record_failure("slow", t));
    REQUIRE_FALSE(window.blocked("slow", 2000));
}

TEST_CASE("concurrent login attempts are bounded per key and in total", "[session]") {
    ConcurrentAttempts attempts(2, 3);
    auto a1 = attempts.acquire({"terminal-a", "10.0.0.1"});
    auto a2 = attempts.acquire({"terminal-a", "10.0.0.1"});
    REQUIRE_FALSE(a1.empty());
    REQUIRE_FALSE(a2.empty());
    REQUIRE(attempts.acquire({"terminal-a", "10.0.0.2"}).empty()); // terminal-a is full
    auto b1 = attempts.acquire({"terminal-b", "10.0.0.2"});
    REQUIRE_FALSE(b1.empty());
    REQUIRE(attempts.acquire({"terminal-c", "10.0.0.3"}).empty()); // the total is full
    {
        auto released = std::move(a1);
    }
    REQUIRE_FALSE(attempts.acquire({"terminal-c", "10.0.0.3"}).empty());
}

TEST_CASE("erase_user can keep the session that asked for it", "[session]") {
    StoreUnderTest store;
    auto current = make_session("alice", "dev", 0);
    auto other = make_session("alice", "dev", 0);
    REQUIRE(store.run(store->create(current.s, current.id, limits(), 0)).created);
    REQUIRE(store.run(store->create(other.s, other.id, limits(), 0)).created);
    REQUIRE(store.run(store->erase_user("alice", current.s.id_hash)).size() == 1);
    REQUIRE(store.run(store->touch(current.id, limits(), 1)));
    REQUIRE_FALSE(store.run(store->touch(other.id, limits(), 1)));
    REQUIRE(store.run(store->erase(current.s.id_hash)));
    REQUIRE_FALSE(store.run(store->erase(current.s.id_hash))); // ended once
}

TEST_CASE("expire() hands over every expired session once, with why it ended", "[session]") {
    StoreUnderTest store;
    auto idle = make_session("alice", "dev-a", 1000);
    auto old = make_session("bob", "dev-b", 0);
    auto touched = make_session("carol", "dev-c", 1000);
    auto live = make_session("dave", "dev-d", 1000);
    for (const auto& m : {idle, old, touched, live})
        REQUIRE(store.run(store->create(m.s, m.id, limits(), m.s.created_at)).created);
    for (UnixSeconds t = 90; t < 1050; t += 90) REQUIRE(store.run(store->touch(old.id, limits(), t)));
    REQUIRE(store.run(store->touch(live.id, limits(), 1090)));
    REQUIRE_FALSE(store.run(store->touch(touched.id, limits(), 1150))); // found expired by a request
    const auto ended = store.run(store->expire(limits(), 1150));
    REQUIRE(ended.size() == 3);
    std::map<std::string, std::string> why;
    for (const auto& s : ended) why[s.user] = expiry_reason(s, limits(), 1150);
    CHECK(why["alice"] == "idle");
    CHECK(why["bob"] == "absolute");
    CHECK(why["carol"] == "idle");
    CHECK(store.run(store->expire(limits(), 1150)).empty()); // reported once
    CHECK(store.run(store->list(limits(), 1150)).size() == 1);
    CHECK(store.run(store->count(limits(), 1150)) == 1);
    Session hard = make_session("erin", "dev-e", 1000).s;
    hard.ends_at = 1010;
    CHECK(expiry_reason(hard, limits(), 1010) == "hard_end");
    CHECK(expiry_reason(hard, limits(), 1005).empty());
}

TEST_CASE("a lone instance makes its own ticket keys, one per period, and keeps the previous one", "[session]") {
    LocalTicketKeys source;
    sekisho::test::TestIo io;
    const auto first = io.run(source.around(5));
    REQUIRE(first.size() == 2);
    CHECK(first[0].period == 5);
    CHECK(first[1].period == 6);
    const auto next = io.run(source.around(6));
    REQUIRE(next.size() == 3);
    std::map<std::int64_t, std::array<unsigned char, 80>> by_period;
    for (const auto& k : next) by_period[k.period] = k.bytes;
    CHECK(by_period.at(5) == first[0].bytes);
    CHECK(by_period.at(6) == first[1].bytes);
    CHECK(by_period.at(7) != by_period.at(6));
    CHECK(io.run(source.around(9)).size() == 2); // after a long pause: 9 and 10, nothing older
}

TEST_CASE("a local copy is never older than its life, however often it is used, and an end overtakes a read",
          "[session]") {
    using Clock = SessionCache::Clock;
    SessionCache cache(std::chrono::milliseconds(1000), 100);
    const auto t0 = Clock::time_point() + std::chrono::hours(1);
    Session s = make_session("alice", "dev", 0).s;
    cache.put(s.id_hash, {s, 0}, t0, cache.generation());
    for (int ms = 100; ms < 1000; ms += 100) { // used every 100 ms: the copy keeps its first read's age
        auto held = cache.get(s.id_hash, t0 + std::chrono::milliseconds(ms));
        REQUIRE(held);
        CHECK(held->fetched == t0);
        cache.put(s.id_hash, held->entry, held->fetched, cache.generation());
    }
    CHECK_FALSE(cache.get(s.id_hash, t0 + std::chrono::milliseconds(1000)));

    // A read that began before an end and is answered after it is not kept.
    const auto asked = cache.generation();
    cache.drop("some ended session");
    cache.put(s.id_hash, {s, 0}, t0, asked);
    CHECK_FALSE(cache.get(s.id_hash, t0));
}
