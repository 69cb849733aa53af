// `sekishoctl --remote ... session <list|end|end-user>`: the login sessions, which live in the
// gateway (its memory or the shared Redis store), listed and ended by an administrator
// through the administration API. Ending a session closes its connections at once, as a
// logout does; "end-user" is "log out everywhere".
#pragma once

#include "gateway/auth/auth_service.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sekisho::gateway {

// A command's result as sekishoctl reports it: exit status 0 (done), 1 (failed), 2 (usage).
struct CommandOutcome {
    int exit = 0;
    std::string output;
    std::string error;
};

// args: "session", subcommand, options. actor: for the log.
Task<CommandOutcome> run_session_command(std::vector<std::string> args, std::string actor, auth::AuthService& auth,
                                         std::shared_ptr<const config::Config> cfg);

} // namespace sekisho::gateway
