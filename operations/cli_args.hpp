// The command line of one sekishoctl subcommand: its options, its positional arguments, and
// the settings the registry command groups (device, user) share: --config, --json.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::operations {

struct OptionSpec {
    std::string name;      // "--facility"
    bool takes_value = true;
    bool repeatable = false; // may be given several times ("--role a --role b")
};

struct CliArgs {
    std::map<std::string, std::string> values; // option → value (flags map to ""; repeatable: the last)
    std::map<std::string, std::vector<std::string>> repeated; // repeatable option → every value, in order
    std::vector<std::string> positionals;

    bool has(const std::string& option) const { return values.contains(option); }
    // Every value of a repeatable option (empty when it was not given).
    std::vector<std::string> all(const std::string& option) const;
    std::optional<std::string> get(const std::string& option) const;
    // The value of a required option; throws std::invalid_argument naming it.
    const std::string& require(const std::string& option) const;
};

// Parses args against the subcommand's own options plus --config FILE and --json. Accepts "--name value" and "--name=value"; an option given twice, an unknown
// option or a missing value throws std::invalid_argument (repeatable options excepted). At
// most max_positionals non-option arguments.
CliArgs parse_registry_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                             std::size_t max_positionals);

// The same parsing against exactly the given options, for command groups without a
// registry (`sekishoctl pki`).
CliArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                      std::size_t max_positionals);

// How many leading arguments are shared options given before the subcommand
// (`device --config F list`): the index of the subcommand's name.
std::size_t leading_common_options(const std::vector<std::string>& args);

// "--help", "-h" or "help".
bool is_help(const std::string& arg);

// --config, else $SEKISHO_CONFIG, else /etc/sekisho/sekisho.yaml.
std::string config_path_of(const CliArgs& args);

// Who acts, for the ledger, when a command runs on the host: local_actor() (invocation.hpp),
// the OS user. There is no option to type another name: a ledger must not hold claims.
std::string actor_of(const CliArgs& args);

// A decimal integer in [min, max]; throws std::invalid_argument naming the option.
long long parse_integer_option(const std::string& option, const std::string& text, long long min,
                               long long max);

} // namespace sekisho::operations
