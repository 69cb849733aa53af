// What only the Redis session store does: several instances sharing sessions, ends seen
// everywhere, nothing readable in a dump of Redis, each expiry reported once, and failing
// closed when Redis is away. Runs only against a real redis-server ("unit session on Redis").
#include "session_test_support.hpp"

#include "session/redis/redis_client.hpp"
#include "session/redis/redis_failure_counters.hpp"
#include "session/redis/redis_ticket_keys.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>

using namespace sekisho::session;
using sekisho::test::StoreUnderTest;
using sekisho::test::TestIo;
using sekisho::test::make_session;
using sekisho::test::limits;

namespace {

// Everything stored under prefix, as text: every key name and every value.
std::string dump_of(const std::string& prefix) {
    TestIo io;
    redis::Client client(io.executor(), sekisho::test::redis_test_settings(prefix).endpoint, 1);
    std::string all;
    const auto keys = io.run(client.command({"KEYS", prefix + "*"}));
    for (const auto& k : keys.elements) {
        all += k.text + "\n";
        const auto type = io.run(client.command({"TYPE", k.text})).text;
        std::vector<std::string> read = type == "hash"   ? std::vector<std::string>{"HGETALL", k.text}
                                        : type == "zset" ? std::vector<std::string>{"ZRANGE", k.text, "0", "-1"}
                                        : type == "set"  ? std::vector<std::string>{"SMEMBERS", k.text}
                                                         : std::vector<std::string>{"GET", k.text};
        const auto value = io.run(client.command(read));
        all += value.text + "\n";
        for (const auto& v : value.elements) all += v.text + "\n";
    }
    return all;
}

template <typename Pred>
bool within(std::chrono::milliseconds limit, Pred pred) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

} // namespace

TEST_CASE("a session made on one instance is used on another, and an end on either is seen on both",
          "[session][redis]") {
    StoreUnderTest a;
    StoreUnderTest b(a.prefix());
    std::atomic<int> closed_on_a{0};
    a->on_ended_elsewhere([&](const std::string&) { ++closed_on_a; });
    auto m = make_session("alice", "dev-a", 1000);
    m.s.display_name = "Alice";
    m.s.roles = {"doctor"};
    REQUIRE(a.run(a->create(m.s, m.id, limits(), 1000)).created);
    const auto on_b = b.run(b->touch(m.id, limits(), 1001));
    REQUIRE(on_b);
    CHECK(on_b->user == "alice");
    CHECK(on_b->display_name == "Alice");
    CHECK(on_b->roles == std::vector<std::string>{"doctor"});
    REQUIRE(a.run(a->touch(m.id, limits(), 1002))); // A now holds a local copy

    REQUIRE(b.run(b->erase(m.s.id_hash)));
    REQUIRE_FALSE(a.run(a->erase(m.s.id_hash))); // ended once, by B
    // The announcement reaches A at once; its copy would age out within a second anyway.
    CHECK(within(std::chrono::milliseconds(1000), [&] { return !a.run(a->touch(m.id, limits(), 1003)); }));
    CHECK(within(std::chrono::milliseconds(1000), [&] { return closed_on_a.load() >= 1; }));
}

TEST_CASE("what Redis holds names no user or terminal and opens no session", "[session][redis]") {
    StoreUnderTest store;
    auto m = make_session("yamada.taro", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", 1000);
    m.s.display_name = "山田太郎";
    m.s.source = "192.0.2.77";
    m.s.user_facility = "east-clinic";
    REQUIRE(store.run(store->create(m.s, m.id, limits(), 1000)).created);
    const std::string dump = dump_of(store.prefix());
    REQUIRE_FALSE(dump.empty());
    for (const std::string& secret : {m.id, m.s.user, m.s.device, m.s.display_name, m.s.source, m.s.user_facility})
        CHECK(dump.find(secret) == std::string::npos);

    // The hash of the id alone (what a dump shows) does not open the session.
    auto wrong = make_session("x", "y", 1000);
    CHECK_FALSE(store.run(store->touch(wrong.id, limits(), 1001)));
    // Another cluster secret reads nothing: it is told the prefix is another cluster's.
    TestIo io;
    auto settings = sekisho::test::redis_test_settings(store.prefix());
    settings.index_secret = std::string(32, 'z');
    redis::RedisSessionStore other(io.executor(), settings);
    CHECK_THROWS_AS(io.run(other.list(limits(), 1001)), StoreUnavailable);
}

TEST_CASE("the per-user cap counts the sessions held on every instance", "[session][redis]") {
    StoreUnderTest a;
    StoreUnderTest b(a.prefix());
    auto first = make_session("alice", "dev-1", 10);
    auto second = make_session("alice", "dev-2", 11);
    auto third = make_session("alice", "dev-3", 12);
    REQUIRE(a.run(a->create(first.s, first.id, limits(), 10)).created);
    REQUIRE(b.run(b->create(second.s, second.id, limits(), 11)).created);
    REQUIRE(a.run(a->create(third.s, third.id, limits(), 12)).created);
    auto fourth = make_session("alice", "dev-4", 13);
    REQUIRE_FALSE(b.run(b->create(fourth.s, fourth.id, limits(), 13)).created);
    const auto evicting = b.run(b->create(fourth.s, fourth.id, limits(true), 14));
    REQUIRE(evicting.created);
    REQUIRE(evicting.evicted.size() == 1);
    CHECK(evicting.evicted.front().id_hash == first.s.id_hash);
    CHECK(within(std::chrono::milliseconds(1000), [&] { return !a.run(a->touch(first.id, limits(), 15)); }));
}

TEST_CASE("each expiry is handed to exactly one instance", "[session][redis]") {
    StoreUnderTest a;
    StoreUnderTest b(a.prefix());
    std::set<std::string> made;
    for (int i = 0; i < 40; ++i) {
        auto m = make_session("user" + std::to_string(i), "dev", 1000);
        made.insert(m.s.id_hash);
        REQUIRE(a.run(a->create(m.s, m.id, limits(), 1000)).created);
    }
    auto on_a = boost::asio::co_spawn(a.executor(), a->expire(limits(), 2000), boost::asio::use_future);
    auto on_b = boost::asio::co_spawn(b.executor(), b->expire(limits(), 2000), boost::asio::use_future);
    std::multiset<std::string> reported;
    for (auto* f : {&on_a, &on_b})
        for (const auto& s : f->get()) reported.insert(s.id_hash);
    CHECK(reported.size() == made.size());
    CHECK(std::set<std::string>(reported.begin(), reported.end()) == made);
}

TEST_CASE("no Redis: every call fails fast as unavailable, never as an absent session", "[session][redis]") {
    // A port nobody listens on: bound, never listening.
    TestIo io;
    boost::asio::io_context scratch;
    boost::asio::ip::tcp::socket holder(scratch);
    holder.open(boost::asio::ip::tcp::v4());
    holder.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
    auto settings = sekisho::test::redis_test_settings("absent:");
    settings.endpoint.port = holder.local_endpoint().port();
    redis::RedisSessionStore store(io.executor(), settings);
    auto m = make_session("alice", "dev", 1000);
    const auto started = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(io.run(store.touch(m.id, limits(), 1000)), StoreUnavailable);
    CHECK_THROWS_AS(io.run(store.create(m.s, m.id, limits(), 1000)), StoreUnavailable);
    CHECK_THROWS_AS(io.run(store.erase(m.s.id_hash)), StoreUnavailable);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    REQUIRE(store.unavailable());
    CHECK(store.unavailable()->find("127.0.0.1") != std::string::npos);
}

TEST_CASE("failures spread over two instances add up to one block, started by exactly one of them",
          "[session][redis]") {
    TestIo io;
    const auto settings = sekisho::test::redis_test_settings("test-" + sekisho::codec::to_lower_hex(
                                                                         sekisho::codec::random_bytes(8)) + ":");
    const auto counters = [&] {
        auto c = std::make_unique<redis::RedisFailureCounters>(io.executor(), settings.endpoint, 4,
                                                               settings.key_prefix, "terminal", settings.index_secret);
        c->set_limits({6, 60, 300});
        return c;
    };
    auto a = counters();
    auto b = counters();
    // Six failures at once, three through each instance: one of the six starts the block.
    std::vector<std::future<bool>> racing;
    for (int i = 0; i < 6; ++i)
        racing.push_back(boost::asio::co_spawn(io.executor(), (i % 2 ? a : b)->record_failure("dev-x", 100),
                                               boost::asio::use_future));
    int started = 0;
    for (auto& f : racing) started += f.get() ? 1 : 0;
    CHECK(started == 1);
    CHECK(io.run(a->blocked("dev-x", 101)));
    CHECK(io.run(b->blocked("dev-x", 101)));
    CHECK_FALSE(io.run(b->blocked("dev-y", 101)));
    CHECK_FALSE(io.run(a->record_failure("dev-x", 102))); // blocked: neither counted nor extended
    CHECK_FALSE(io.run(b->blocked("dev-x", 400)));
    // Failures wider apart than the window never block.
    for (UnixSeconds t = 1000; t < 1400; t += 61) CHECK_FALSE(io.run(a->record_failure("slow", t)));
    // The key names are HMACs: the terminal's name is not in Redis.
    CHECK(dump_of(settings.key_prefix).find("dev-x") == std::string::npos);
}

TEST_CASE("instances sharing Redis read the same ticket keys, made once per period and rotated", "[session][redis]") {
    TestIo io;
    const auto settings = sekisho::test::redis_test_settings(
        "test-" + sekisho::codec::to_lower_hex(sekisho::codec::random_bytes(8)) + ":");
    redis::RedisTicketKeys a(io.executor(), settings.endpoint, settings.key_prefix, settings.index_secret,
                             std::chrono::seconds(3600));
    redis::RedisTicketKeys b(io.executor(), settings.endpoint, settings.key_prefix, settings.index_secret,
                             std::chrono::seconds(3600));
    const auto on_a = io.run(a.around(100));
    const auto on_b = io.run(b.around(100));
    REQUIRE(on_a.size() == 2); // 100 and the next, 101: no previous yet
    REQUIRE(on_b.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(on_a[i].period == on_b[i].period);
        CHECK(on_a[i].bytes == on_b[i].bytes);
    }
    CHECK(on_a[0].bytes != on_a[1].bytes);
    // The next period: what was next is now current, what was current still opens tickets.
    const auto later = io.run(b.around(101));
    REQUIRE(later.size() == 3);
    CHECK(later[0].bytes == on_a[0].bytes);
    CHECK(later[1].bytes == on_a[1].bytes);
    // Sealed in Redis: no key's bytes appear there.
    const std::string dump = dump_of(settings.key_prefix);
    for (const auto& k : later)
        CHECK(dump.find(std::string(reinterpret_cast<const char*>(k.bytes.data()), 32)) == std::string::npos);
    // Another cluster secret cannot use them.
    redis::RedisTicketKeys other(io.executor(), settings.endpoint, settings.key_prefix, std::string(32, 'z'),
                                 std::chrono::seconds(3600));
    CHECK(io.run(other.around(101)).empty());
}

TEST_CASE("write access to Redis plants no session and stretches none; another cluster's secret opens nothing",
          "[session][redis]") {
    StoreUnderTest store;
    auto m = make_session("alice", "dev-a", 1000);
    m.s.must_change = true;
    REQUIRE(store.run(store->create(m.s, m.id, limits(), 1000)).created);
    TestIo io;
    redis::Client client(io.executor(), sekisho::test::redis_test_settings(store.prefix()).endpoint, 1);
    const std::string record = store.prefix() + "s:" + m.s.id_hash;
    // Idle past its limit, then "seen" rewritten to look recent: the MAC does not hold.
    io.run(client.command({"HSET", record, "seen", "1150"}));
    StoreUnderTest other_instance(store.prefix()); // no local copy
    CHECK_FALSE(other_instance.run(other_instance->touch(m.id, limits(), 1160)));
    // The pending password change cannot be cleared in plain.
    auto n = make_session("bob", "dev-b", 2000);
    n.s.must_change = true;
    REQUIRE(store.run(store->create(n.s, n.id, limits(), 2000)).created);
    io.run(client.command({"HSET", store.prefix() + "s:" + n.s.id_hash, "mc", "0"}));
    const auto after = other_instance.run(other_instance->touch(n.id, limits(), 2001));
    CHECK((!after || after->must_change));

    // A cluster with another secret on the same prefix: its cookies open nothing here, and the
    // mismatch is reported as unavailable rather than miscounted.
    TestIo io2;
    auto settings = sekisho::test::redis_test_settings(store.prefix());
    settings.index_secret = std::string(32, 'q');
    redis::RedisSessionStore foreign(io2.executor(), settings);
    CHECK_THROWS_AS(io2.run(foreign.touch(n.id, limits(), 2002)), StoreUnavailable);
    REQUIRE(foreign.unavailable());
    CHECK(foreign.unavailable()->find("key_prefix") != std::string::npos);
}
