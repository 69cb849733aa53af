// `sekishoctl user disable-unused`: the unused-account policy (review/unused_accounts.hpp) on
// demand — what the gateway applies daily when auth.disable_unused_after is set — with a dry
// run that lists what would be disabled and changes nothing.
#pragma once

#include "config/config.hpp"
#include "store/user_registry.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace sekisho::operations {

// The period in days: --days (days_option), else auth.disable_unused_after; throws when
// neither is given (std::invalid_argument for a malformed --days).
std::int64_t unused_period(const std::optional<std::string>& days_option, const config::Config& config);

// Prints the accounts found and what became of each (JSON with json); returns the exit
// status: 1 when the registry refused any disable, else 0.
int disable_unused_users(std::ostream& out, store::UserRegistry& users, std::int64_t days, const std::string& actor, bool dry_run,
                         bool json);

} // namespace sekisho::operations
