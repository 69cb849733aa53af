// A session store for the tests: in memory, or Redis (a key prefix of its own per store, so
// cases never see each other's keys) when SEKISHO_TEST_REDIS_PORT names a server on loopback.
#pragma once

#include "codec/hex.hpp"
#include "codec/random.hpp"
#include "session/memory_store.hpp"
#include "session/redis/redis_session_store.hpp"
#include "session/session_id.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

namespace sekisho::test {

using namespace sekisho::session;

inline const char* redis_port() { return std::getenv("SEKISHO_TEST_REDIS_PORT"); }

inline redis::StoreSettings redis_test_settings(std::string prefix) {
    redis::StoreSettings settings;
    settings.endpoint.port = static_cast<std::uint16_t>(std::atoi(redis_port()));
    settings.key_prefix = std::move(prefix);
    settings.index_secret = std::string(32, 'k');
    return settings;
}

// The I/O thread the stores' connections run on, and a way to wait for a store's answer.
class TestIo {
public:
    TestIo() : thread_([this] { io_.run(); }) {}
    ~TestIo() {
        guard_.reset();
        io_.stop();
        thread_.join();
    }
    boost::asio::any_io_executor executor() { return io_.get_executor(); }
    template <typename T>
    T run(Task<T> task) {
        return boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future).get();
    }

private:
    boost::asio::io_context io_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
    std::thread thread_;
};

class StoreUnderTest {
public:
    // prefix: share one with another StoreUnderTest to play a second instance.
    explicit StoreUnderTest(std::string prefix = {}) {
        if (!redis_port()) {
            store_ = std::make_unique<MemorySessionStore>();
            return;
        }
        prefix_ = prefix.empty() ? "test-" + codec::to_lower_hex(codec::random_bytes(8)) + ":" : prefix;
        store_ = std::make_unique<redis::RedisSessionStore>(io_.executor(), redis_test_settings(prefix_));
    }
    ~StoreUnderTest() { store_.reset(); }

    SessionStore& operator*() { return *store_; }
    SessionStore* operator->() { return store_.get(); }
    const std::string& prefix() const { return prefix_; }
    boost::asio::any_io_executor executor() { return io_.executor(); }
    template <typename T>
    T run(Task<T> task) {
        return io_.run(std::move(task));
    }

private:
    TestIo io_;
    std::string prefix_;
    std::unique_ptr<SessionStore> store_;
};

// A session and the cookie value it was made from.
struct Made {
    Session s;
    std::string id;
};

inline Made make_session(const std::string& user, const std::string& device, UnixSeconds now) {
    Made m;
    m.id = new_session_id();
    m.s.id_hash = hash_session_id(m.id);
    m.s.user = user;
    m.s.device = device;
    m.s.created_at = m.s.last_seen = now;
    return m;
}

inline SessionLimits limits(bool evict = false) {
    SessionLimits l;
    l.idle_seconds = 100;
    l.absolute_seconds = 1000;
    l.max_per_user = 3;
    l.evict_oldest = evict;
    return l;
}

} // namespace sekisho::test
