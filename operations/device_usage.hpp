// The help texts of `sekishoctl device` and its subcommands.
#pragma once

#include <string>

namespace sekisho::operations {

// The group's usage: every subcommand in one line each, and the shared options.
const std::string& device_usage();

// The "common options" paragraph (--config, --actor, --json) that `user` shares.
const std::string& registry_options_usage();

// The usage of one subcommand ("register", "list", ...); the group's usage for others.
const std::string& device_usage(const std::string& subcommand);

} // namespace sekisho::operations
