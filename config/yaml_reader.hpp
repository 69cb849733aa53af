// Reading a parsed YAML tree with context: every value knows its dotted key path and line,
// every problem is collected (never thrown), and keys nobody asked for are reported as
// unknown. The section readers (sections.cpp, routes.cpp) are written on top of this.
#pragma once

#include "config/load.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sekisho::config::detail {

// What one load accumulates: the problems found so far and where relative paths start.
class LoadContext {
public:
    LoadContext(std::string file, std::filesystem::path base_dir);

    void problem(int line, std::string key, std::string reason);
    bool has_problems() const { return !problems_.empty(); }
    std::vector<ConfigProblem> take_problems(); // ordered by line

    // Resolves `path` against the base directory and checks that it is a readable file.
    // Records a problem on key/line and returns nullopt when it is not.
    // `path` against the base directory, normalised.
    std::filesystem::path resolve(const std::string& path) const;

    // Resolves `path` against the base directory; the file may be absent (it will be
    // created) but its folder must exist.
    std::optional<std::string> creatable_file(const std::string& path, const std::string& key, int line);

    std::optional<std::string> existing_file(const std::string& path, const std::string& key,
                                             int line);

private:
    std::string file_;
    std::filesystem::path base_dir_;
    std::vector<ConfigProblem> problems_;
};

// A scalar value together with where it was written, for checks done after reading.
struct Scalar {
    std::string value;
    std::string key; // dotted path, e.g. "routes[0].hosts[1]"
    int line = 0;
};

// One YAML mapping. Each key a reader asks about (present or not) counts as known;
// finish() reports the remaining ones as unknown.
class MapReader {
public:
    // `node` must be a mapping or null (= empty); `line` is where the mapping was introduced.
    MapReader(LoadContext& context, const YAML::Node& node, std::string path, int line);

    LoadContext& context() const { return *context_; }
    const std::string& path() const { return path_; }
    int line() const { return line_; }
    std::string key_path(std::string_view key) const;
    int line_of(std::string_view key) const; // the key's line, or the mapping's when absent
    bool has(std::string_view key);
    void problem(std::string_view key, std::string reason);
    void require(std::string_view key, std::string_view what);

    // Raw access. Each records a problem and returns nothing on a wrong type.
    std::optional<Scalar> scalar(std::string_view key);
    // An empty list is a problem unless allow_empty (a list that is empty for a while by
    // design, e.g. assertion.previous_keys between two key rotations).
    std::vector<Scalar> scalar_list(std::string_view key, bool allow_single_value, bool allow_empty = false);
    // An absent mapping reads as an empty one, so its required keys are still reported.
    std::optional<MapReader> mapping(std::string_view key);
    std::vector<MapReader> mapping_list(std::string_view key);
    // A mapping whose keys the operator names (facilities): each entry as a mapping, by name.
    std::vector<std::pair<std::string, MapReader>> named_mappings(std::string_view key);

    // Typed reads: `out` is left unchanged when the key is absent or the value is wrong.
    bool read_text(std::string_view key, std::string& out);
    bool read_bool(std::string_view key, bool& out);
    bool read_unsigned(std::string_view key, std::uint64_t& out, std::uint64_t max);
    // max == Seconds::max() means no upper bound.
    bool read_duration(std::string_view key, Seconds& out, Seconds min, Seconds max);
    bool read_endpoint(std::string_view key, Endpoint& out);
    bool read_file(std::string_view key, std::string& out); // resolved, must exist
    bool read_data_file(std::string_view key, std::string& out); // resolved, folder must exist

    template <class T>
    bool read_choice(std::string_view key, T& out,
                     std::initializer_list<std::pair<std::string_view, T>> choices);

    // Reports keys that no read asked about.
    void finish();

private:
    struct Entry {
        std::string name;
        YAML::Node value;
        int line = 0;
    };
    const Entry* find(std::string_view key);
    std::string choice_problem(const std::string& value,
                               const std::vector<std::string_view>& names) const;

    LoadContext* context_;
    std::string path_;
    int line_;
    std::vector<Entry> entries_;
    std::set<std::string, std::less<>> known_;
};

// 1-based line of a node, or fallback when yaml-cpp has no position for it.
int line_of(const YAML::Node& node, int fallback);

template <class T>
bool MapReader::read_choice(std::string_view key, T& out,
                            std::initializer_list<std::pair<std::string_view, T>> choices) {
    const auto value = scalar(key);
    if (!value) return false;
    std::vector<std::string_view> names;
    for (const auto& [name, choice] : choices) {
        if (value->value == name) {
            out = choice;
            return true;
        }
        names.push_back(name);
    }
    context_->problem(value->line, value->key, choice_problem(value->value, names));
    return false;
}

} // namespace sekisho::config::detail
