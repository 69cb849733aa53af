// Login outcomes and lockout: what the gateway records after checking a password, and an
// administrator's unlock. Apart from the accounts (user_registry.hpp) so that the login path's
// writes, which are the busiest and the only ones that bump no revision, stand on their own.
#pragma once

#include "store/types.hpp"
#include "store/user_registry.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sekisho::store {

// REQUIREMENTS §3 (our default): 5 failures within 15 min lock the account for 30 min.
struct LockoutPolicy {
    int max_failures = 5;
    std::int64_t window_seconds = 15 * 60;
    std::int64_t lock_seconds = 30 * 60;
};

struct LoginFailure {
    int failures_in_window = 0;              // this failure included, unless already locked
    std::optional<UnixSeconds> locked_until; // set while the account is locked
};

bool is_locked(const User& user, UnixSeconds now); // locked_until is still ahead

// Each call runs in one transaction that also appends to the ledger. The login outcomes
// (record_login_success/_failure) do not increment the registry revision: they change nothing
// a gateway holds in memory and would otherwise make every gateway reload its views at every
// login; unlock() does. Unknown users and empty actors are refused with a RegistryError naming
// the user and the operation. Implementations are safe to call from several threads.
class LoginRecords {
public:
    virtual ~LoginRecords() = default;

    // After a correct password: clears the failure count and the lockout window, records
    // when and from where (ledger "user.login"). Returns the user as it was before, so that
    // the login page can show the previous login and the failures since. Refused for a
    // disabled or locked user, so that a race with disable/lock cannot let a login through.
    virtual User record_login_success(const std::string& id, const std::string& source, UnixSeconds now) = 0;

    // After a wrong password (ledger "user.login_failed"): counts the failures within
    // policy.window_seconds before now; the max_failures-th locks the account for
    // policy.lock_seconds (ledger "user.locked") and starts a fresh window. Failures while
    // locked are recorded (ledger, failed_since_success) but neither count towards nor
    // extend a lock; the result then carries the current lock.
    virtual LoginFailure record_login_failure(const std::string& id, const std::string& source,
                                              UnixSeconds now, const LockoutPolicy& policy) = 0;

    // Lifts a lock and forgets the failures in the window (ledger "user.unlock").
    virtual void unlock(const std::string& id, const std::string& actor) = 0;
};

} // namespace sekisho::store
