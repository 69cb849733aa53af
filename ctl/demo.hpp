// `sekishoctl demo ...`: a local demo installation for trying Sekisho out.
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

// args: what follows "demo". Returns the exit status; throws UsageError or std::exception.
int run_demo(const std::vector<std::string>& args);

} // namespace sekisho::ctl
