// `sekishoctl store ...`: the registry's storage itself (issue 14): bringing a PostgreSQL
// schema up to date with a role for the gateways, and moving an installation's SQLite file
// into PostgreSQL.
#pragma once

#include "config/config.hpp"
#include "operations/cli_args.hpp"

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_store(const std::vector<std::string>& args);

// A PostgreSQL registry given on the command line (store copy --to, backup restore
// --registry-into): the URL in `option`, its password in --password-file, the server checked
// per --sslrootcert / --sslmode. UsageError "<command>: ..." with usage when they do not fit.
config::RegistryConfig postgresql_registry_of(const operations::CliArgs& args, const std::string& option,
                                              const std::string& command, const std::string& usage);

} // namespace sekisho::ctl
