// Legal holds: an investigation's exported copy of the trail (`sekishoctl audit export`)
// put on hold keeps the records it covers from retention — the trail files that hold any
// record in the hold's range are never purged (purge reports them as held) until the hold
// is removed. Records, not file names, are what a hold names: the live file an export
// copied is renamed by the next rotation, its records stay where the range finds them.
// Each hold is a file <audit file>.holds/<name>.json with its reason and who placed it;
// placing and removing one is recorded in the retention register (retention_register.hpp)
// under its lock, so a purge running at the same time sees the hold or not, never half.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::audit {

struct LegalHold {
    std::string name;   // [A-Za-z0-9._-], 1 to 64 characters, not starting with '.'
    std::string reason; // why: a case number, an inspector's request
    std::string by;     // who placed it
    std::string placed_at;  // JST
    std::string export_dir; // the export it keeps (absolute)
    std::uint64_t first_seq = 0, last_seq = 0; // the records it keeps
    std::vector<std::string> files;            // the trail files the export copied, for people
};

std::string holds_folder(const std::string& trail_path);

// Every hold of the trail, by name. Throws std::runtime_error naming a hold file that
// cannot be read: a purge must not go on without knowing what is held.
std::vector<LegalHold> read_holds(const std::string& trail_path);

// The hold over an export made by `sekishoctl audit export` (its manifest.json names the
// records and files). Throws naming the folder when it is not such an export.
LegalHold hold_of_export(const std::string& export_dir);

// Places a hold (hold.name must be new) and records audit.hold_added; throws naming the
// problem. Removes one and records audit.hold_removed (by = who); throws if there is none.
void add_hold(const std::string& trail_path, LegalHold hold);
LegalHold remove_hold(const std::string& trail_path, const std::string& name, const std::string& by);

// The first hold that keeps a file holding records first_seq..last_seq, or nullptr.
const LegalHold* hold_over(const std::vector<LegalHold>& holds, std::uint64_t first_seq, std::uint64_t last_seq);

} // namespace sekisho::audit
