// Who administers the gateway, and what each kind of administrator may do (REQUIREMENTS §3:
// privileged access only for those who need it, a minimum number of administrators).
// Administrators are users of the registry holding one of the administration roles; they
// log in to the administration API with an operator certificate whose subject CN is their
// user id and their password, the same two factors as everyone else.
//
//   admin     everything, including creating accounts and granting roles
//   operator  terminals: register, suspend, resume, revoke, tickets; ending sessions
//   security  people: password resets, unlock, disable/enable, break-glass; ending sessions
//   auditor   reads only: lists, shows, the ledger, sessions
#pragma once

#include "store/user_registry.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::operations {

using store::is_administrator; // the roles themselves: store/user_registry.hpp

// Active users holding the role admin, break-glass accounts excepted (they are not meant to
// be used in normal operation).
std::size_t active_admins(const std::vector<store::User>& users);

// The first words of a command line ("device", "revoke", ...; "device", "ticket", "create"):
// nullopt when roles permit it, else why not, naming the roles that would.
std::optional<std::string> command_refused(const std::vector<std::string>& roles, const std::vector<std::string>& args);

// The start-up and --check warning: fewer than two active admins (one is a single point of
// failure for administration, and nobody is there to review that one's actions). Empty when fine.
std::string too_few_admins_warning(std::size_t active);

} // namespace sekisho::operations
