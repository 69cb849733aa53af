// The help texts of `sekishoctl user` and its subcommands.
#pragma once

#include <string>

namespace sekisho::operations {

// The group's usage: every subcommand in one line each, and the shared options.
const std::string& user_usage();

// The usage of one subcommand ("add", "list", ...); the group's usage for others.
const std::string& user_usage(const std::string& subcommand);

} // namespace sekisho::operations
