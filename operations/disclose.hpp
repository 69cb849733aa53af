// `disclose`: the MDS/SDS self-disclosure (disclosure/) as a command, run by sekishoctl on the
// host (the configuration named by --config) and by the administration API in the gateway
// (the gateway's own configuration snapshot and registry; GET /disclosure too).
#pragma once

#include "operations/invocation.hpp"

#include <string>
#include <vector>

namespace sekisho::operations {

int run_disclose(const std::vector<std::string>& args, const Invocation& invocation);

} // namespace sekisho::operations
