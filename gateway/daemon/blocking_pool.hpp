// Pools for work that blocks or burns CPU off the I/O threads.
//
// background (nice 19): SQLite, the CA key. Not idle-class: these threads hold the SQLite
// users lock, which the registry enforcement (revocations) waits for; an idle-class holder
// would get almost no CPU on a saturated core (priority inversion).
// idle (SCHED_IDLE): Argon2id only, which holds no lock at all. An idle-class thread gets
// the core only when no other thread wants it, so a storm of logins (each hash tens of
// milliseconds of CPU) queues in the pool and runs in the time the I/O threads leave. The
// policy alone is not enough: an I/O thread that wakes while not yet eligible waits for
// the next scheduling point, so every hash runs with worker::PreemptionPoints
// (docs/benchmarks.md, login storm).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <cstddef>

namespace sekisho::gateway {

class BlockingPool : public boost::asio::thread_pool {
public:
    enum class Priority { background, idle };
    explicit BlockingPool(std::size_t threads, Priority priority = Priority::background);
};

} // namespace sekisho::gateway
