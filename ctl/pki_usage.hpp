// The help texts of `sekishoctl pki` and its subcommands.
#pragma once

#include <string>

namespace sekisho::ctl {

// The group's usage: every subcommand in one line each.
const std::string& pki_usage();

// The usage of one subcommand ("init", "sign-ca", ...); the group's usage for others.
const std::string& pki_usage(const std::string& subcommand);

// `sekishoctl pki rollover`: the group's usage (subcommand "") or that of status or retire.
const std::string& pki_rollover_usage(const std::string& subcommand = "");

} // namespace sekisho::ctl
