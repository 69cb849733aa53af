#include "operations/subcommands.hpp"

#include <algorithm>

namespace sekisho::operations {

const std::string& subcommand_word(const std::vector<std::string>& args, std::size_t at, std::string_view group,
                                   const std::string& usage) {
    if (at >= args.size()) throw UsageError(std::string(group) + ": missing subcommand", usage);
    return args[at];
}

void unknown_subcommand(std::string_view group, std::string_view name, const std::string& usage) {
    throw UsageError(std::string(group) + ": unknown subcommand '" + std::string(name) + "'", usage);
}

std::vector<std::string> subcommand_args(const std::vector<std::string>& args, std::size_t at, std::size_t words) {
    std::vector<std::string> rest(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(at));
    rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(at + words), args.end());
    return rest;
}

bool asks_for_help(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "--help" || a == "-h"; });
}

} // namespace sekisho::operations
