// Break-glass (issue 4 item 8): emergency accounts, which log in only inside a period an
// administrator opened with a reason. Apart from the accounts so that only what administers
// emergency access (sekishoctl user) holds it; the gateway only reads User::break_glass_until.
#pragma once

#include "store/types.hpp"

#include <optional>
#include <string>

namespace sekisho::store {

// Every write runs in one transaction that also appends to the ledger and increments the
// registry revision. Unknown users and empty actors or reasons are refused with a
// RegistryError naming the user and the operation. Implementations are safe to call from
// several threads.
class BreakGlass {
public:
    virtual ~BreakGlass() = default;

    // Marking (ledger "user.break_glass_account") needs a reason; so does opening (until = a
    // time, "user.break_glass_open", refused for an account that is not an emergency one)
    // and closing (nullopt, "user.break_glass_close").
    virtual void set_break_glass_account(const std::string& id, bool emergency, const std::string& reason,
                                         const std::string& actor) = 0;
    // Opening a period also raises the user's session epoch (User::session_epoch).
    virtual void set_break_glass_period(const std::string& id, std::optional<UnixSeconds> until,
                                        const std::string& reason, const std::string& actor) = 0;
};

} // namespace sekisho::store
