// The files of one audit trail on disk: the live file (audit.file) and the rotated ones
// beside it, named <file>.<JST yyyymmddThhmmss.mmm>[-N] by the rotation — the time the
// file was closed, so that sorting by name is chain order. Other files share the prefix
// (<file>.ledger-seq, <file>.retention, an operator's <file>.bak) and are no part of the
// chain. The writer (audit_log), retention (retention.hpp) and verification read the
// folder through these, so the naming rule lives in one place.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::audit {

// True when name (a file name, not a path) is a rotated file of the trail whose live file
// is called live_name.
bool is_rotated_name(std::string_view live_name, std::string_view name);

// The rotated files of the trail at path, oldest first (full paths).
std::vector<std::string> rotated_files(const std::string& path);

// Every file of the trail in chain order: the rotated ones, then the live file if it exists.
std::vector<std::string> trail_files(const std::string& path);

// "yyyymmddThhmmss.mmm" of a rotated file's name (its close time, JST): compares as text.
std::string closed_stamp(const std::string& rotated_path);

// The same compact stamp for an instant (what the rotation names a file closed then).
std::string compact_stamp(std::chrono::system_clock::time_point t);

// The first complete line of a file (without its newline); nullopt when there is none.
std::optional<std::string> first_line(const std::string& path);

// The last complete line of a file. With repair, a torn last line a crash left is cut off
// the file first; throws std::runtime_error naming the file when it cannot be read or cut.
std::optional<std::string> last_line(const std::string& path, bool repair);

// fsync of a file's folder: a rename, creation or removal in it survives a crash.
void sync_folder_of(const std::string& path);

} // namespace sekisho::audit
