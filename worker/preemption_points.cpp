#include "worker/preemption_points.hpp"

#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace sekisho::worker {

namespace {

static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

thread_local std::atomic<std::uint64_t> t_taken{0}; // lock-free, so the handler may write it

void on_preemption_point(int) {
    const int saved = errno;
    t_taken.fetch_add(1, std::memory_order_relaxed);
    (void)::sched_yield();
    errno = saved;
}

// The real-time signal the timers raise, or 0 if none could be claimed. A signal some other
// part of the process already handles is left alone.
int claimed_signal() {
    static const int signal = [] {
        for (int s = SIGRTMIN + 4; s <= SIGRTMAX; ++s) {
            struct sigaction old {};
            if (::sigaction(s, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;
            struct sigaction sa {};
            sa.sa_handler = on_preemption_point;
            sa.sa_flags = SA_RESTART;
            sigemptyset(&sa.sa_mask);
            if (::sigaction(s, &sa, nullptr) == 0) return s;
        }
        return 0;
    }();
    return signal;
}

struct ThreadTimer {
    timer_t id{};
    bool created = false;
    bool tried = false;
    int depth = 0;

    bool ensure() {
        if (tried) return created;
        tried = true;
        const int signal = claimed_signal();
        if (signal == 0) return false;
        struct sigevent ev {};
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = signal;
        ev._sigev_un._tid = static_cast<int>(::gettid());
        created = ::timer_create(CLOCK_MONOTONIC, &ev, &id) == 0;
        return created;
    }

    bool set(std::chrono::microseconds interval) {
        struct itimerspec spec {};
        spec.it_interval.tv_sec = static_cast<time_t>(interval.count() / 1'000'000);
        spec.it_interval.tv_nsec = static_cast<long>(interval.count() % 1'000'000) * 1000;
        spec.it_value = spec.it_interval;
        return ::timer_settime(id, 0, &spec, nullptr) == 0;
    }

    ~ThreadTimer() {
        if (created) (void)::timer_delete(id);
    }
};

thread_local ThreadTimer t_timer;

} // namespace

PreemptionPoints::PreemptionPoints(std::chrono::microseconds interval) {
    if (interval.count() <= 0) return;
    if (t_timer.depth > 0) { // nested: the outer guard's timer already runs
        ++t_timer.depth;
        active_ = true;
        return;
    }
    if (!t_timer.ensure() || !t_timer.set(interval)) return;
    t_timer.depth = 1;
    active_ = true;
}

PreemptionPoints::~PreemptionPoints() {
    if (!active_) return;
    if (--t_timer.depth == 0) (void)t_timer.set(std::chrono::microseconds{0}); // the outermost guard ends
}

std::uint64_t PreemptionPoints::taken() noexcept {
    return t_taken.load(std::memory_order_relaxed);
}

} // namespace sekisho::worker
