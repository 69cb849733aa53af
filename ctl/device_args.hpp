// The command line of one `sekishoctl device` subcommand: its options, its positional
// arguments, and the settings every subcommand shares (--config, --actor, --json).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

struct OptionSpec {
    std::string name;      // "--facility"
    bool takes_value = true;
};

struct DeviceArgs {
    std::map<std::string, std::string> values; // option → value (flags map to "")
    std::vector<std::string> positionals;

    bool has(const std::string& option) const { return values.contains(option); }
    std::optional<std::string> get(const std::string& option) const;
    // The value of a required option; throws std::invalid_argument naming it.
    const std::string& require(const std::string& option) const;
};

// Parses args against the subcommand's own options plus --config FILE, --actor NAME and
// --json. Accepts "--name value" and "--name=value"; an option given twice, an unknown
// option or a missing value throws std::invalid_argument. At most max_positionals
// non-option arguments.
DeviceArgs parse_device_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                             std::size_t max_positionals);

// The same parsing against exactly the given options, for command groups without a
// registry (`sekishoctl pki`).
DeviceArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                      std::size_t max_positionals);

// --config, else $SEKISHO_CONFIG, else /etc/sekisho/sekisho.yaml.
std::string config_path_of(const DeviceArgs& args);

// --actor, else "admin:" + ($SUDO_USER or $USER or "unknown").
std::string actor_of(const DeviceArgs& args);

// A decimal integer in [min, max]; throws std::invalid_argument naming the option.
long long parse_integer_option(const std::string& option, const std::string& text, long long min,
                               long long max);

} // namespace sekisho::ctl
