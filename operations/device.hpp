// `sekishoctl device ...`: terminals in the device registry — register, list, show,
// suspend, resume, revoke, and the registry's ledger.
#pragma once

#include "operations/invocation.hpp"

#include <string>
#include <vector>

namespace sekisho::operations {

// args: what follows "device". Returns the exit status; throws UsageError (exit 2) or
// std::exception (exit 1, registry and certificate errors).
int run_device(const std::vector<std::string>& args, const Invocation& invocation);

} // namespace sekisho::operations
