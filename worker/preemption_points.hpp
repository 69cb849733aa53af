// Preemption points for long computations on a low-priority thread (an Argon2id hash at
// SCHED_IDLE). The kernel's fair scheduler (EEVDF) picks the next thread by eligibility:
// an I/O thread that wakes while it is not yet eligible is not reconsidered until the next
// scheduling point, and while a hash burns the core without a system call that point is the
// timer tick (4 ms at HZ=250). Measured on the login storm (docs/benchmarks.md): proxied p99
// ×4–8 with the hash on the same core, ×0.9–1.3 with a preemption point every 250 µs.
//
// While a PreemptionPoints lives, a timer of the calling thread signals it every `interval`
// and the handler yields the CPU (sched_yield), so the scheduler picks again. The timer is
// the thread's own (created at its first use, deleted when the thread ends), armed only
// while a guard lives: a thread that waits for work is never woken by it. Nested guards
// keep the outermost one's timer. Best effort: without a free real-time signal or a timer
// the computation runs as before, and active() says so.
//
// The guard covers the calling thread only: an Argon2id hash with parallelism p > 1 runs its
// lanes on threads libargon2 starts, which inherit the idle class but not the timer (the
// default and the documented setting is p = 1). A guard must not live across a co_await:
// the coroutine may resume on another thread; keep it in a plain function.
#pragma once

#include <chrono>
#include <cstdint>

namespace sekisho::worker {

class PreemptionPoints {
public:
    static constexpr std::chrono::microseconds kInterval{250};

    explicit PreemptionPoints(std::chrono::microseconds interval = kInterval);
    ~PreemptionPoints();

    PreemptionPoints(const PreemptionPoints&) = delete;
    PreemptionPoints& operator=(const PreemptionPoints&) = delete;

    bool active() const noexcept { return active_; }

    // How many preemption points this thread has taken so far (tests, diagnostics).
    static std::uint64_t taken() noexcept;

private:
    bool active_ = false;
};

} // namespace sekisho::worker
