#include "gateway/daemon/blocking_pool.hpp"

#include <boost/asio/post.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <latch>

namespace sekisho::gateway {

BlockingPool::BlockingPool(std::size_t threads) : boost::asio::thread_pool(threads) {
    // One task per thread: each waits until all have started, so every thread gets one.
    std::latch started(static_cast<std::ptrdiff_t>(threads)), done(static_cast<std::ptrdiff_t>(threads));
    for (std::size_t i = 0; i < threads; ++i) {
        boost::asio::post(*this, [&] {
            // Nice 19, not SCHED_IDLE: these threads also hold the SQLite users lock, which
            // the registry enforcement (revocations) waits for; an idle-class holder would
            // get almost no CPU on a saturated core (priority inversion).
            (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19); // best effort
            started.arrive_and_wait();
            done.count_down();
        });
    }
    done.wait();
}

} // namespace sekisho::gateway
