// `sekishoctl store ...`: the registry's storage itself (issue 14): bringing a PostgreSQL
// schema up to date with a role for the gateways, and moving an installation's SQLite file
// into PostgreSQL.
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_store(const std::vector<std::string>& args);

} // namespace sekisho::ctl
