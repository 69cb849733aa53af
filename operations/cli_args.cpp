#include "operations/cli_args.hpp"

#include "operations/invocation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace sekisho::operations {

namespace {

const std::vector<OptionSpec> kCommonOptions = {
    {"--config", true},
    {"--json", false},
};

const OptionSpec* find_option(const std::vector<OptionSpec>& options, const std::string& name) {
    auto it = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == name; });
    return it != options.end() ? &*it : nullptr;
}

const char* non_empty_env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
}

} // namespace

std::optional<std::string> CliArgs::get(const std::string& option) const {
    auto it = values.find(option);
    if (it == values.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> CliArgs::all(const std::string& option) const {
    auto it = repeated.find(option);
    return it == repeated.end() ? std::vector<std::string>{} : it->second;
}

const std::string& CliArgs::require(const std::string& option) const {
    auto it = values.find(option);
    if (it == values.end()) throw std::invalid_argument("missing " + option);
    return it->second;
}

CliArgs parse_registry_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                             std::size_t max_positionals) {
    std::vector<OptionSpec> all = options;
    all.insert(all.end(), kCommonOptions.begin(), kCommonOptions.end());
    return parse_args(args, all, max_positionals);
}

CliArgs parse_args(const std::vector<std::string>& args, const std::vector<OptionSpec>& options,
                      std::size_t max_positionals) {
    CliArgs parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!arg.starts_with("--")) {
            if (parsed.positionals.size() == max_positionals) {
                throw std::invalid_argument(max_positionals == 0 ? "unexpected argument '" + arg + "'"
                                                                 : "too many arguments ('" + arg + "')");
            }
            parsed.positionals.push_back(arg);
            continue;
        }
        const std::size_t equals = arg.find('=');
        const std::string name = arg.substr(0, equals);
        const OptionSpec* spec = find_option(options, name);
        if (spec == nullptr) throw std::invalid_argument("unknown option '" + name + "'");
        if (parsed.values.contains(name) && !spec->repeatable) {
            throw std::invalid_argument(name + " given more than once");
        }
        std::string value;
        if (!spec->takes_value) {
            if (equals != std::string::npos) throw std::invalid_argument(name + " takes no value");
        } else if (equals != std::string::npos) {
            value = arg.substr(equals + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            throw std::invalid_argument(name + " needs a value");
        }
        if (spec->takes_value && value.empty()) throw std::invalid_argument(name + " needs a non-empty value");
        if (spec->repeatable) parsed.repeated[name].push_back(value);
        parsed.values.insert_or_assign(name, std::move(value));
    }
    return parsed;
}

std::size_t leading_common_options(const std::vector<std::string>& args) {
    std::size_t i = 0;
    while (i < args.size()) {
        const std::string& arg = args[i];
        if (arg == "--config") {
            i += 2;
        } else if (arg == "--json" || arg.starts_with("--config=")) {
            i += 1;
        } else {
            break;
        }
    }
    return i;
}

bool is_help(const std::string& arg) { return arg == "--help" || arg == "-h" || arg == "help"; }

std::string config_path_of(const CliArgs& args) {
    if (auto path = args.get("--config")) return *path;
    if (const char* env = non_empty_env("SEKISHO_CONFIG")) return env;
    return "/etc/sekisho/sekisho.yaml";
}

std::string actor_of(const CliArgs&) { return local_actor(); }

long long parse_integer_option(const std::string& option, const std::string& text, long long min,
                               long long max) {
    long long value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value < min || value > max) {
        throw std::invalid_argument(option + " wants a whole number from " + std::to_string(min) + " to " +
                                    std::to_string(max) + ", not '" + text + "'");
    }
    return value;
}

} // namespace sekisho::operations
