// `sekishoctl user ...`: people in the user registry — add, reset-password, disable, enable,
// unlock, list, show. Passwords are checked, generated and hashed in ctl/user_password.hpp.
#pragma once

#include "operations/invocation.hpp"

#include <string>
#include <vector>

namespace sekisho::operations {

// args: what follows "user". Returns the exit status; throws UsageError (exit 2) or
// std::exception (exit 1, registry and password-policy errors).
int run_user(const std::vector<std::string>& args, const Invocation& invocation);

} // namespace sekisho::operations
