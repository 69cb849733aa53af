// `sekishoctl backup ...`: backups of an installation (issue 16) — create a generation,
// verify one, restore one into a new place, prune old ones. The work is in backup/.
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_backup(const std::vector<std::string>& args);

} // namespace sekisho::ctl
