// How a command group of sekishoctl (device, user, pki, audit) picks its subcommand from its
// table: the same answer for a missing or an unknown name, and for a mistake in the
// subcommand's options (UsageError, exit status 2, with the usage text).
#pragma once

#include "operations/usage_error.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::operations {

// args[at], the subcommand's name; UsageError "<group>: missing subcommand" when there is none.
const std::string& subcommand_word(const std::vector<std::string>& args, std::size_t at, std::string_view group,
                                   const std::string& usage);

// UsageError "<group>: unknown subcommand '<name>'".
[[noreturn]] void unknown_subcommand(std::string_view group, std::string_view name, const std::string& usage);

// The entry of table (anything with a `name`) called name; unknown_subcommand() when none is.
template <typename Entry>
const Entry& find_subcommand(const std::vector<Entry>& table, std::string_view group, std::string_view name,
                             const std::string& usage) {
    for (const auto& entry : table)
        if (name == entry.name) return entry;
    unknown_subcommand(group, name, usage);
}

// args without the subcommand's words [at, at + words): what the subcommand parses.
std::vector<std::string> subcommand_args(const std::vector<std::string>& args, std::size_t at, std::size_t words = 1);

// --help or -h among a subcommand's arguments: its usage is printed instead of running it.
bool asks_for_help(const std::vector<std::string>& args);

// Runs parse (the subcommand's options); its std::invalid_argument becomes UsageError
// "<group> <name>: <what>" with usage.
template <typename Parse>
void parse_subcommand_args(std::string_view group, std::string_view name, const std::string& usage, Parse&& parse) {
    try {
        parse();
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(group) + " " + std::string(name) + ": " + e.what(), usage);
    }
}

} // namespace sekisho::operations
