#include "config/yaml_reader.hpp"

#include "config/values.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace sekisho::config::detail {

namespace fs = std::filesystem;

namespace {

std::string kind_of(const YAML::Node& node) {
    if (node.IsSequence()) return "a list";
    if (node.IsMap()) return "a group of settings (key: value lines)";
    return "a single value";
}

} // namespace

int line_of(const YAML::Node& node, int fallback) {
    const auto mark = node.Mark();
    return mark.is_null() ? fallback : mark.line + 1;
}

LoadContext::LoadContext(std::string file, fs::path base_dir)
    : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

void LoadContext::problem(int line, std::string key, std::string reason) {
    problems_.push_back(ConfigProblem{file_, line, std::move(key), std::move(reason)});
}

std::vector<ConfigProblem> LoadContext::take_problems() {
    std::stable_sort(problems_.begin(), problems_.end(),
                     [](const ConfigProblem& a, const ConfigProblem& b) { return a.line < b.line; });
    return std::move(problems_);
}

std::optional<std::string> LoadContext::existing_file(const std::string& path,
                                                      const std::string& key, int line) {
    const fs::path resolved = resolve(path);
    std::error_code error;
    const auto status = fs::status(resolved, error);
    if (!fs::exists(status)) {
        problem(line, key, "file not found: " + resolved.string());
        return std::nullopt;
    }
    if (fs::is_directory(status)) {
        problem(line, key, "is a folder, not a file: " + resolved.string());
        return std::nullopt;
    }
    if (!std::ifstream(resolved)) {
        problem(line, key, "file not readable (check its permissions): " + resolved.string());
        return std::nullopt;
    }
    return resolved.string();
}

fs::path LoadContext::resolve(const std::string& path) const {
    fs::path resolved(path);
    if (resolved.is_relative()) resolved = base_dir_ / resolved;
    return resolved.lexically_normal();
}

std::optional<std::string> LoadContext::creatable_file(const std::string& path, const std::string& key,
                                                      int line) {
    const fs::path resolved = resolve(path);
    std::error_code error;
    if (fs::is_directory(resolved, error)) {
        problem(line, key, "is a folder, not a file: " + resolved.string());
        return std::nullopt;
    }
    if (!fs::is_directory(resolved.parent_path(), error)) {
        problem(line, key, "folder not found: " + resolved.parent_path().string());
        return std::nullopt;
    }
    return resolved.string();
}

MapReader::MapReader(LoadContext& context, const YAML::Node& node, std::string path, int line)
    : context_(&context), path_(std::move(path)), line_(line) {
    if (!node.IsMap()) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
        Entry entry{it->first.IsScalar() ? it->first.Scalar() : std::string(),
                    it->second, detail::line_of(it->first, line)};
        if (entry.name.empty()) {
            context_->problem(entry.line, path_, "setting names must be plain words");
            continue;
        }
        if (const auto* earlier = find(entry.name)) {
            context_->problem(entry.line, key_path(entry.name),
                              "duplicate key (already given on line " +
                                  std::to_string(earlier->line) + ")");
            continue;
        }
        entries_.push_back(std::move(entry));
    }
}

std::string MapReader::key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const MapReader::Entry* MapReader::find(std::string_view key) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const Entry& entry) { return entry.name == key; });
    return it == entries_.end() ? nullptr : &*it;
}

int MapReader::line_of(std::string_view key) const {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const Entry& entry) { return entry.name == key; });
    return it == entries_.end() ? line_ : it->line;
}

bool MapReader::has(std::string_view key) {
    known_.emplace(key);
    return find(key) != nullptr;
}

void MapReader::problem(std::string_view key, std::string reason) {
    context_->problem(line_of(key), key_path(key), std::move(reason));
}

void MapReader::require(std::string_view key, std::string_view what) {
    if (!has(key)) problem(key, "is required (" + std::string(what) + ")");
}

std::optional<Scalar> MapReader::scalar(std::string_view key) {
    known_.emplace(key);
    const auto* entry = find(key);
    if (!entry) return std::nullopt;
    if (entry->value.IsNull()) {
        problem(key, "needs a value");
        return std::nullopt;
    }
    if (!entry->value.IsScalar()) {
        problem(key, "must be a single value, not " + kind_of(entry->value));
        return std::nullopt;
    }
    return Scalar{entry->value.Scalar(), key_path(key), entry->line};
}

std::vector<Scalar> MapReader::scalar_list(std::string_view key, bool allow_single_value, bool allow_empty) {
    known_.emplace(key);
    const auto* entry = find(key);
    if (!entry) return {};
    if (allow_single_value && entry->value.IsScalar()) {
        return {Scalar{entry->value.Scalar(), key_path(key), entry->line}};
    }
    if (!entry->value.IsSequence()) {
        problem(key, entry->value.IsNull() ? "needs a value"
                                           : "must be a list, not " + kind_of(entry->value));
        return {};
    }
    if (entry->value.size() == 0 && !allow_empty) problem(key, "needs at least one entry");
    std::vector<Scalar> out;
    std::size_t index = 0;
    for (const auto& item : entry->value) {
        const auto item_key = key_path(key) + "[" + std::to_string(index++) + "]";
        const int item_line = detail::line_of(item, entry->line);
        if (!item.IsScalar()) {
            context_->problem(item_line, item_key, "must be a single value, not " + kind_of(item));
            continue;
        }
        out.push_back(Scalar{item.Scalar(), item_key, item_line});
    }
    return out;
}

std::optional<MapReader> MapReader::mapping(std::string_view key) {
    known_.emplace(key);
    const auto* entry = find(key);
    if (!entry) return MapReader(*context_, YAML::Node(), key_path(key), line_);
    if (!entry->value.IsMap() && !entry->value.IsNull()) {
        problem(key, "must be a group of settings (indented key: value lines), not " +
                         kind_of(entry->value));
        return std::nullopt;
    }
    return MapReader(*context_, entry->value, key_path(key), entry->line);
}

std::vector<MapReader> MapReader::mapping_list(std::string_view key) {
    known_.emplace(key);
    const auto* entry = find(key);
    if (!entry) return {};
    if (!entry->value.IsSequence()) {
        problem(key, entry->value.IsNull() ? "needs at least one entry"
                                           : "must be a list ('- ' entries), not " +
                                                 kind_of(entry->value));
        return {};
    }
    if (entry->value.size() == 0) problem(key, "needs at least one entry");
    std::vector<MapReader> out;
    std::size_t index = 0;
    for (const auto& item : entry->value) {
        const auto item_key = key_path(key) + "[" + std::to_string(index++) + "]";
        const int item_line = detail::line_of(item, entry->line);
        if (!item.IsMap()) {
            context_->problem(item_line, item_key,
                              "must be a group of settings (key: value lines), not " +
                                  kind_of(item));
            continue;
        }
        out.emplace_back(*context_, item, item_key, item_line);
    }
    return out;
}

std::vector<std::pair<std::string, MapReader>> MapReader::named_mappings(std::string_view key) {
    auto section = mapping(key);
    if (!section) return {};
    std::vector<std::pair<std::string, MapReader>> out;
    for (const auto& entry : section->entries_) {
        section->known_.insert(entry.name);
        if (auto item = section->mapping(entry.name)) out.emplace_back(entry.name, std::move(*item));
    }
    return out;
}

bool MapReader::read_text(std::string_view key, std::string& out) {
    const auto value = scalar(key);
    if (!value) return false;
    if (value->value.empty()) {
        problem(key, "must not be empty");
        return false;
    }
    out = value->value;
    return true;
}

bool MapReader::read_bool(std::string_view key, bool& out) {
    const auto value = scalar(key);
    if (!value) return false;
    bool parsed = false;
    if (!YAML::convert<bool>::decode(YAML::Node(value->value), parsed)) {
        problem(key, "must be true or false, not '" + value->value + "'");
        return false;
    }
    out = parsed;
    return true;
}

bool MapReader::read_unsigned(std::string_view key, std::uint64_t& out, std::uint64_t max) {
    const auto value = scalar(key);
    if (!value) return false;
    std::string error;
    const auto parsed = parse_unsigned(value->value, max, error);
    if (!parsed) {
        problem(key, error);
        return false;
    }
    out = *parsed;
    return true;
}

bool MapReader::read_duration(std::string_view key, Seconds& out, Seconds min, Seconds max) {
    const auto value = scalar(key);
    if (!value) return false;
    std::string error;
    const auto parsed = parse_duration(value->value, error);
    if (!parsed) {
        problem(key, error);
        return false;
    }
    if (*parsed < min || *parsed > max) {
        problem(key, (max == Seconds::max()
                          ? "must be at least " + format_duration(min)
                          : "must be between " + format_duration(min) + " and " +
                                format_duration(max)) +
                         ", not " + value->value);
        return false;
    }
    out = *parsed;
    return true;
}

bool MapReader::read_endpoint(std::string_view key, Endpoint& out) {
    const auto value = scalar(key);
    if (!value) return false;
    std::string error;
    const auto parsed = parse_endpoint(value->value, error);
    if (!parsed) {
        problem(key, error);
        return false;
    }
    out = *parsed;
    return true;
}

bool MapReader::read_file(std::string_view key, std::string& out) {
    std::string path;
    if (!read_text(key, path)) return false;
    const auto resolved = context_->existing_file(path, key_path(key), line_of(key));
    if (!resolved) return false;
    out = *resolved;
    return true;
}

bool MapReader::read_data_file(std::string_view key, std::string& out) {
    std::string path;
    if (!read_text(key, path)) return false;
    const auto resolved = context_->creatable_file(path, key_path(key), line_of(key));
    if (!resolved) return false;
    out = *resolved;
    return true;
}

std::string MapReader::choice_problem(const std::string& value,
                                      const std::vector<std::string_view>& names) const {
    std::string list;
    std::vector<std::string> candidates;
    for (const auto name : names) {
        list += (list.empty() ? "" : ", ") + std::string(name);
        candidates.emplace_back(name);
    }
    std::string reason = "'" + value + "' is not allowed; must be one of " + list;
    if (const auto guess = closest_match(value, candidates); !guess.empty()) {
        reason += " (did you mean '" + guess + "'?)";
    }
    return reason;
}

void MapReader::finish() {
    const std::vector<std::string> candidates(known_.begin(), known_.end());
    for (const auto& entry : entries_) {
        if (known_.contains(entry.name)) continue;
        std::string reason = "unknown key";
        if (const auto guess = closest_match(entry.name, candidates); !guess.empty()) {
            reason += " (did you mean '" + guess + "'?)";
        } else {
            std::string allowed;
            for (const auto& name : candidates) allowed += (allowed.empty() ? "" : ", ") + name;
            reason += "; allowed here: " + allowed;
        }
        context_->problem(entry.line, key_path(entry.name), reason);
    }
}

} // namespace sekisho::config::detail
