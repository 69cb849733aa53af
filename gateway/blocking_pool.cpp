#include "gateway/blocking_pool.hpp"

#include <boost/asio/post.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <latch>

namespace sekisho::gateway {

BlockingPool::BlockingPool(std::size_t threads) : boost::asio::thread_pool(threads) {
    // One task per thread: each waits until all have started, so every thread gets one.
    std::latch started(static_cast<std::ptrdiff_t>(threads)), done(static_cast<std::ptrdiff_t>(threads));
    for (std::size_t i = 0; i < threads; ++i) {
        boost::asio::post(*this, [&] {
            // Best effort, both: SCHED_IDLE lets a waking I/O thread preempt at once (nice 19
            // alone still let an Argon2id hash hold the core for a few ms); nice 19 stays if
            // the policy is refused.
            (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
            sched_param param{};
            (void)::sched_setscheduler(0, SCHED_IDLE, &param);
            started.arrive_and_wait();
            done.count_down();
        });
    }
    done.wait();
}

} // namespace sekisho::gateway
