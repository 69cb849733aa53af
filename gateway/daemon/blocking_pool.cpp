#include "gateway/daemon/blocking_pool.hpp"

#include <boost/asio/post.hpp>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <latch>

namespace sekisho::gateway {

BlockingPool::BlockingPool(std::size_t threads, Priority priority) : boost::asio::thread_pool(threads) {
    // One task per thread: each waits until all have started, so every thread gets one.
    std::latch started(static_cast<std::ptrdiff_t>(threads)), done(static_cast<std::ptrdiff_t>(threads));
    for (std::size_t i = 0; i < threads; ++i) {
        boost::asio::post(*this, [&] {
            if (priority == Priority::idle) {
                const sched_param param{};
                (void)::sched_setscheduler(0, SCHED_IDLE, &param); // best effort (this thread)
            } else {
                (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19); // best effort
            }
            started.arrive_and_wait();
            done.count_down();
        });
    }
    done.wait();
}

} // namespace sekisho::gateway
