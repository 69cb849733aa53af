#include "backup/generations.hpp"

#include "backup/manifest.hpp"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace sekisho::backup {

namespace {

namespace fs = std::filesystem;

// "2026-11-22T13:05:01.123+09:00" → "2026-11-22T130501+0900"
std::string base_name(codec::SystemTime now) {
    const std::string stamp = codec::jst_timestamp(now);
    return stamp.substr(0, 11) + stamp.substr(11, 2) + stamp.substr(14, 2) + stamp.substr(17, 2) + "+0900";
}

bool digits(const std::string& s, std::size_t from, std::size_t n) {
    if (s.size() < from + n) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.begin() + static_cast<std::ptrdiff_t>(from + n),
                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

} // namespace

bool is_generation_name(const std::string& name) {
    // YYYY-MM-DDTHHMMSS+0900[-N]
    if (name.size() < 22 || !digits(name, 0, 4) || name[4] != '-' || !digits(name, 5, 2) || name[7] != '-' ||
        !digits(name, 8, 2) || name[10] != 'T' || !digits(name, 11, 6) || name.compare(17, 5, "+0900") != 0)
        return false;
    if (name.size() == 22) return true;
    return name[22] == '-' && name.size() > 23 && name.size() < 30 && digits(name, 23, name.size() - 23);
}

std::string new_generation_name(const std::string& out_dir, codec::SystemTime now) {
    // After every name of this second, removed or not: a generation made later must sort
    // newer, also when a prune has just taken the base name away.
    const std::string base = base_name(now);
    int last = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!name.starts_with(base) || !is_generation_name(name)) continue;
        last = std::max(last, name.size() > 22 ? std::stoi(name.substr(23)) : 1);
    }
    return last == 0 ? base : base + "-" + std::to_string(last + 1);
}

std::vector<Generation> list_generations(const std::string& out_dir) {
    std::vector<Generation> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(out_dir, ec)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_directory() || !is_generation_name(name)) continue;
        found.push_back({name, entry.path().string(), fs::exists(entry.path() / kManifestName)});
    }
    if (ec) throw std::runtime_error(out_dir + ": cannot list the backup folder: " + ec.message());
    // Newest first; "-N" suffixes of one second sort by their number.
    std::sort(found.begin(), found.end(), [](const Generation& a, const Generation& b) {
        const auto rank = [](const std::string& n) {
            return std::make_pair(n.substr(0, 22), n.size() > 22 ? std::stoi(n.substr(23)) : 1);
        };
        return rank(a.name) > rank(b.name);
    });
    return found;
}

std::set<std::string> generations_kept(const std::vector<std::string>& newest_first, const Retention& retention,
                                       const std::string& first_daily) {
    std::set<std::string> kept;
    for (std::size_t i = 0; i < newest_first.size() && i < static_cast<std::size_t>(std::max(retention.keep, 0)); ++i)
        kept.insert(newest_first[i]);
    std::set<std::string> days, months;
    for (const auto& name : newest_first) {
        const std::string day = name.substr(0, 10), month = name.substr(0, 7);
        if (day >= first_daily) {
            if (retention.daily > 0 && days.insert(day).second) kept.insert(name);
        } else if (!months.contains(month) && months.size() < static_cast<std::size_t>(std::max(retention.monthly, 0))) {
            months.insert(month);
            kept.insert(name);
        }
    }
    return kept;
}

PruneReport prune_generations(const std::string& out_dir, const Retention& retention, codec::SystemTime now,
                              bool dry_run) {
    if (retention.keep < 1) throw std::invalid_argument("--keep must be at least 1");
    const auto generations = list_generations(out_dir);
    std::vector<std::string> complete;
    for (const auto& g : generations)
        if (g.complete) complete.push_back(g.name);
    const int window = std::max(retention.daily, 1); // daily 0: the window is today only
    const std::string first_daily = codec::jst_date(now - std::chrono::hours(24) * (window - 1));
    const auto kept = generations_kept(complete, retention, first_daily);
    PruneReport report;
    bool newer_complete = false;
    for (std::size_t i = 0; i < generations.size(); ++i) {
        const auto& g = generations[i];
        bool remove;
        if (g.complete) {
            remove = !kept.contains(g.name);
            if (!remove) report.kept.push_back(g.name);
        } else {
            remove = newer_complete;
            if (!remove) report.incomplete.push_back(g.name);
        }
        newer_complete = newer_complete || g.complete;
        if (!remove) continue;
        report.removed.push_back(g.name);
        if (!dry_run) fs::remove_all(g.path);
    }
    return report;
}

} // namespace sekisho::backup
