// The optional policy "disable accounts unused for N days" (REQUIREMENTS §3: leavers and
// unused accounts are disabled; issue 16 item 5). Off unless auth.disable_unused_after is
// set; applied daily by the gateway and on demand by `sekishoctl user disable-unused`.
//
// An account counts as used at its last login, and also when an administrator last changed
// it (created, enabled, reset): an account made or re-enabled yesterday waits the full period
// for its first login. Never disabled: break-glass accounts (unused by design), and the last
// active user with role admin (someone must be able to undo this). Each disable is one
// "user.disable" in the ledger with the actor and a reason naming the policy.
#pragma once

#include "store/user_registry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::review {

using store::UnixSeconds;

struct UnusedAccount {
    store::User user;
    UnixSeconds last_used = 0; // the latest of last login, creation and last change
    std::int64_t idle_days = 0;
    std::string kept_because; // empty: disabled (or, in a dry run, would be)
};

// The latest of last login, creation and last change of the account.
UnixSeconds last_used(const store::User& user);

// Pure: the active accounts unused for at least `days` at `now`, longest unused first, with
// those the policy keeps marked (so the last admin kept is the most recently used one).
std::vector<UnusedAccount> find_unused_accounts(const std::vector<store::User>& users, std::int64_t days,
                                                UnixSeconds now);

// The ledger reason of one disable.
std::string unused_reason(const UnusedAccount& account, std::int64_t days);

struct UnusedOutcome {
    std::vector<UnusedAccount> accounts; // as found; kept_because also says "used meanwhile"
    std::size_t disabled = 0;            // 0 in a dry run
    std::vector<std::string> failures;   // one message per account the registry refused
};

// Reads the users, decides, and (unless dry_run) disables each account just after reading it
// again (a login in between keeps it). A refusal of one account does not stop the others.
UnusedOutcome disable_unused_accounts(store::UserRegistry& users, std::int64_t days, const std::string& actor,
                                      bool dry_run, UnixSeconds now);

} // namespace sekisho::review
