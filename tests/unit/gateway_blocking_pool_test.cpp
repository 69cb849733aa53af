// BlockingPool: Argon2id, SQLite and the CA key run below every I/O thread, so a storm of
// logins cannot hold the core a proxied request is waiting for.
#include "gateway/blocking_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <utility>

TEST_CASE("BlockingPool threads run at the idle policy and nice 19; the caller keeps its own", "[blocking_pool]") {
    const int caller_policy = sched_getscheduler(0);
    sekisho::gateway::BlockingPool pool(2);
    for (int i = 0; i < 4; ++i) {
        auto seen = boost::asio::post(pool, boost::asio::use_future([] {
                        return std::pair{sched_getscheduler(0), getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()))};
                    })).get();
        CHECK(seen.first == SCHED_IDLE);
        CHECK(seen.second == 19);
    }
    CHECK(sched_getscheduler(0) == caller_policy);
}
