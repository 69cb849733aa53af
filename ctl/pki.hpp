// `sekishoctl pki ...`: the gateway's certificate authorities — a root and a device-issuing
// CA in one folder (init), or with the root kept offline (init-root, init-ca, sign-ca,
// import-ca), and what a folder holds (show).
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

// args: what follows "pki". Returns the exit status; throws UsageError (exit 2) or
// std::exception (exit 1, naming the file, key or certificate at fault).
int run_pki(const std::vector<std::string>& args);

} // namespace sekisho::ctl
