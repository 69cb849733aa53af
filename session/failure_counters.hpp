// The password-spraying windows behind an async seam, like the sessions: in memory for one
// instance (FailureWindow), or in Redis so that failures spread over several instances add
// up to one block (redis/redis_failure_counters.hpp). make_stores() (store_factory.hpp)
// chooses. A shared backend that cannot answer throws StoreUnavailable: the caller fails
// closed (the login is refused), never open.
#pragma once

#include "session/failure_window.hpp"
#include "session/session_store.hpp"

#include <string>

namespace sekisho::session {

class FailureCounters {
public:
    virtual ~FailureCounters() = default;
    // Whether key is blocked at now.
    virtual Task<bool> blocked(std::string key, UnixSeconds now) = 0;
    // Counts a failure; true for the one that starts a block (exactly one caller, across
    // instances, is told so: it logs and alerts).
    virtual Task<bool> record_failure(std::string key, UnixSeconds now) = 0;
    // Replaces the limits (a configuration reload); counts are kept.
    virtual void set_limits(FailureWindowLimits limits) = 0;
};

class MemoryFailureCounters final : public FailureCounters {
public:
    Task<bool> blocked(std::string key, UnixSeconds now) override { co_return window_.blocked(key, now); }
    Task<bool> record_failure(std::string key, UnixSeconds now) override {
        co_return window_.record_failure(key, now);
    }
    void set_limits(FailureWindowLimits limits) override { window_.set_limits(limits); }

private:
    FailureWindow window_{FailureWindowLimits{}};
};

} // namespace sekisho::session
