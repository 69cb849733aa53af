// BlockingPool: Argon2id, SQLite and the CA key run below every I/O thread, so a storm of
// logins gets only the CPU the proxied requests leave.
#include "gateway/daemon/blocking_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

TEST_CASE("BlockingPool threads run at nice 19 under the normal policy; the caller keeps its own", "[blocking_pool]") {
    const int caller_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
    sekisho::gateway::BlockingPool pool(2);
    for (int i = 0; i < 4; ++i) {
        auto seen = boost::asio::post(pool, boost::asio::use_future([] {
                        return std::pair{sched_getscheduler(0), getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))};
                    })).get();
        CHECK(seen.first == SCHED_OTHER); // not SCHED_IDLE: they hold the users lock (see blocking_pool.cpp)
        CHECK(seen.second == 19);
    }
    CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == caller_nice);
}
