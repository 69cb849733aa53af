// Loading and validating sekisho.yaml into a Config.
#pragma once

#include "config/config.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace sekisho::config {

// One problem in a configuration file, precise enough for the operator to fix it.
struct ConfigProblem {
    std::string file;
    int line = 0;     // 1-based; 0 when unknown (e.g. the file cannot be read)
    std::string key;  // dotted path, e.g. "routes[1].upstream"
    std::string reason;
    std::string to_string() const; // "file:line: key: reason"
};

class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(std::vector<ConfigProblem> problems);
    const std::vector<ConfigProblem>& problems() const { return problems_; }

private:
    std::vector<ConfigProblem> problems_;
};

// Reads, parses and validates the file. Collects every problem it can find and throws
// ConfigError listing all of them. Relative paths inside the file are resolved against
// the file's directory. Files named by the config (certificates, keys, CRLs) must exist and
// be readable; their contents are checked by the component that loads them.
Config load_file(const std::string& path);

// Same, from text (file is the name used in messages; base_dir resolves relative paths).
Config load_text(const std::string& text, const std::string& file, const std::string& base_dir);

} // namespace sekisho::config
