// `sekishoctl report`: reports an inspector asks for, read from the registry (review).
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

int run_report(const std::vector<std::string>& args);

} // namespace sekisho::ctl
