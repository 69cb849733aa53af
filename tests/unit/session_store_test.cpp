// The in-memory session store and the failure windows: what a user would notice as
// "logged out", "refused a fourth login" or "this terminal may not try again".
#include "session/concurrent_attempts.hpp"
#include "session/failure_window.hpp"
#include "session/memory_store.hpp"
#include "session/session_id.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace sekisho::session;

namespace {

template <typename T>
T run(Task<T> task) {
    boost::asio::io_context io;
    auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.run();
    return future.get();
}

Session make_session(const std::string& user, const std::string& device, UnixSeconds now) {
    Session s;
    s.id_hash = hash_session_id(new_session_id());
    s.user = user;
    s.device = device;
    s.created_at = s.last_seen = now;
    return s;
}

SessionLimits limits(bool evict = false) {
    SessionLimits l;
    l.idle_seconds = 100;
    l.absolute_seconds = 1000;
    l.max_per_user = 3;
    l.evict_oldest = evict;
    return l;
}

} // namespace

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
    MemorySessionStore store;
    auto s = make_session("alice", "dev-a", 1000);
    const auto hash = s.id_hash;
    REQUIRE(run(store.create(s, limits(), 1000)).created);
    REQUIRE(run(store.touch(hash, limits(), 1050)));
    REQUIRE(run(store.touch(hash, limits(), 1149)));  // idle counted from the last touch
    REQUIRE_FALSE(run(store.touch(hash, limits(), 1249)));
    REQUIRE_FALSE(run(store.touch(hash, limits(), 1000))); // gone for good

    auto busy = make_session("bob", "dev-b", 0);
    REQUIRE(run(store.create(busy, limits(), 0)).created);
    for (UnixSeconds t = 90; t < 1000; t += 90) REQUIRE(run(store.touch(busy.id_hash, limits(), t)));
    REQUIRE_FALSE(run(store.touch(busy.id_hash, limits(), 1000))); // absolute limit, however busy
}

TEST_CASE("the per-user cap refuses the next login or ends the oldest session", "[session]") {
    MemorySessionStore store;
    std::vector<Session> sessions;
    for (int i = 0; i < 3; ++i) {
        sessions.push_back(make_session("alice", "dev", 10 + i));
        REQUIRE(run(store.create(sessions.back(), limits(), 10 + i)).created);
    }
    auto fourth = make_session("alice", "dev", 20);
    REQUIRE_FALSE(run(store.create(fourth, limits(), 20)).created);
    REQUIRE(run(store.create(make_session("bob", "dev", 20), limits(), 20)).created); // others unaffected

    auto result = run(store.create(fourth, limits(true), 21));
    REQUIRE(result.created);
    REQUIRE(result.evicted.size() == 1);
    REQUIRE(result.evicted.front().id_hash == sessions.front().id_hash);
    REQUIRE_FALSE(run(store.touch(sessions.front().id_hash, limits(), 22)));
    REQUIRE(run(store.touch(fourth.id_hash, limits(), 22)));

    // Expired sessions do not count towards the cap.
    auto later = make_session("alice", "dev", 500);
    REQUIRE(run(store.create(later, limits(), 500)).created);
}

TEST_CASE("sessions end by user and by terminal, and must-change can be cleared", "[session]") {
    MemorySessionStore store;
    auto a1 = make_session("alice", "dev-1", 0);
    a1.must_change = true;
    auto a2 = make_session("alice", "dev-2", 0);
    auto b1 = make_session("bob", "dev-1", 0);
    for (const auto& s : {a1, a2, b1}) REQUIRE(run(store.create(s, limits(), 0)).created);

    REQUIRE(run(store.clear_must_change(a1.id_hash)));
    REQUIRE_FALSE(run(store.touch(a1.id_hash, limits(), 1))->must_change);

    REQUIRE(run(store.erase_device("dev-1")).size() == 2);
    REQUIRE_FALSE(run(store.touch(b1.id_hash, limits(), 2)));
    REQUIRE(run(store.touch(a2.id_hash, limits(), 2)));
    REQUIRE(run(store.erase_user("alice", "")).size() == 1);
    REQUIRE(run(store.list(limits(), 3)).empty());
    REQUIRE_FALSE(run(store.erase(a2.id_hash)));
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
    MemorySessionStore store;
    auto current = make_session("alice", "dev", 0);
    auto other = make_session("alice", "dev", 0);
    REQUIRE(run(store.create(current, limits(), 0)).created);
    REQUIRE(run(store.create(other, limits(), 0)).created);
    REQUIRE(run(store.erase_user("alice", current.id_hash)).size() == 1);
    REQUIRE(run(store.touch(current.id_hash, limits(), 1)));
    REQUIRE_FALSE(run(store.touch(other.id_hash, limits(), 1)));
}

TEST_CASE("expire() hands over every expired session once, with why it ended", "[session]") {
    MemorySessionStore store;
    auto idle = make_session("alice", "dev-a", 1000);
    auto old = make_session("bob", "dev-b", 0);
    auto touched = make_session("carol", "dev-c", 1000);
    auto live = make_session("dave", "dev-d", 1000);
    for (const auto& s : {idle, old, touched, live}) REQUIRE(run(store.create(s, limits(), s.created_at)).created);
    for (UnixSeconds t = 90; t < 1050; t += 90) REQUIRE(run(store.touch(old.id_hash, limits(), t)));
    REQUIRE(run(store.touch(live.id_hash, limits(), 1090)));
    REQUIRE_FALSE(run(store.touch(touched.id_hash, limits(), 1150))); // found expired by a request
    const auto ended = run(store.expire(limits(), 1150));
    REQUIRE(ended.size() == 3);
    std::map<std::string, std::string> why;
    for (const auto& s : ended) why[s.user] = expiry_reason(s, limits(), 1150);
    CHECK(why["alice"] == "idle");
    CHECK(why["bob"] == "absolute");
    CHECK(why["carol"] == "idle");
    CHECK(run(store.expire(limits(), 1150)).empty()); // reported once
    CHECK(run(store.list(limits(), 1150)).size() == 1);
    Session hard = make_session("erin", "dev-e", 1000);
    hard.ends_at = 1010;
    CHECK(expiry_reason(hard, limits(), 1010) == "hard_end");
    CHECK(expiry_reason(hard, limits(), 1005).empty());
}
