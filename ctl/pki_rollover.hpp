// `sekishoctl pki rollover status|retire`: the registry's side of an issuing-CA rollover
// (README, "Rolling over the issuing CA"). The new CA is made with the pki commands and made
// current in enrollment.ca; the earlier ones stay in enrollment.previous_cas until retired.
#pragma once

#include <string>
#include <vector>

namespace sekisho::ctl {

// args: what follows "pki rollover". Returns the exit status.
int run_pki_rollover(const std::vector<std::string>& args);

} // namespace sekisho::ctl
