// The generations of a backup folder and which of them to keep.
//
// A generation is a folder named after the Japan time it was made, "2026-12-07T084621+0900"
// ("-2", "-3" … when several are made in one second), complete once it holds manifest.json.
//
// Retention (sekishoctl backup prune, and after every create): of the complete generations
//   * the newest `keep` are kept (default 10: seed 000 asks for 10 daily generations);
//   * with daily D > 0, also the newest of each JST day of the last D days (today included);
//   * with monthly M > 0, also the newest of each month, for the M newest months before the
//     daily window (or before today when D is 0);
// the rest are removed. An incomplete generation (no manifest: a create that failed or
// was killed) is removed once a newer complete one exists; the newest entry is never taken
// for a failure, since it may be a create still running.
#pragma once

#include "codec/jst_time.hpp"

#include <set>
#include <string>
#include <vector>

namespace sekisho::backup {

struct Retention {
    int keep = 10;
    int daily = 0;
    int monthly = 0;
};

struct Generation {
    std::string name;
    std::string path;
    bool complete = false;
};

// True for a name of the form above.
bool is_generation_name(const std::string& name);

// A name for a generation made now that no entry of out_dir has yet.
std::string new_generation_name(const std::string& out_dir, codec::SystemTime now);

// The generations in out_dir, newest first; other entries are ignored.
std::vector<Generation> list_generations(const std::string& out_dir);

// Which of the complete generations (names, newest first) the rule keeps. today and
// first_daily are JST dates ("2026-12-07"): the daily window is first_daily .. today.
std::set<std::string> generations_kept(const std::vector<std::string>& newest_first, const Retention& retention,
                                       const std::string& first_daily);

struct PruneReport {
    std::vector<std::string> kept;       // complete, newest first
    std::vector<std::string> removed;    // complete ones beyond the rule, and failed ones
    std::vector<std::string> incomplete; // left alone: the newest entry, maybe a create running
};

// Applies the rule to out_dir (dry_run: only says what it would remove).
PruneReport prune_generations(const std::string& out_dir, const Retention& retention, codec::SystemTime now,
                              bool dry_run);

} // namespace sekisho::backup
