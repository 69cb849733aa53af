// `sekishoctl audit ...`: checking the gateway's audit trail (issue 5).
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_audit(const std::vector<std::string>& args);

} // namespace sekisho::ctl
