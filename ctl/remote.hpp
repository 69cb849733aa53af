// `sekishoctl --remote URL --cert FILE --key FILE [--ca FILE] [--password-file FILE] <command>`:
// the command runs in the gateway, through its administration API (gateway/admin/admin_api.hpp),
// as the administrator whose operator certificate (subject CN = user id) and password this
// management terminal presents. No shell on the gateway host is needed, and the ledger and the
// audit trail name the authenticated administrator, never a name typed here.
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

// True when args start with --remote (then run_remote takes them all).
bool wants_remote(const std::vector<std::string>& args);

// args: the whole command line after "sekishoctl". Returns the command's exit status (what
// the gateway reports), 1 when it could not run there, 2 for a mistake in the options here.
int run_remote(const std::vector<std::string>& args);

// The usage text of the remote options, for `sekishoctl --help`.
const std::string& remote_usage();

} // namespace sekisho::ctl
