// sekishoctl incident: incident records in the registry — open, note, link (alerts of the
// audit trail), close, list, show — each write ledgered with the actor (issue 16 item 6).
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_incident(const std::vector<std::string>& args);

} // namespace sekisho::ctl
