// Retention with a deletion duty (REQUIREMENTS §5: kept for the statutory period, our
// default 5 years, then deleted). A rotated file is past retention when it was closed —
// the time its name carries (trail_files.hpp), after its every record — longer ago than
// audit.retention; the live file never is. Each such file is recorded in the retention
// register (audit.purged: its first and last record, the retention in force, who) and
// only then deleted; a file holding a record of a legal hold (legal_hold.hpp) is kept and
// reported as held. A crash between the record and the deletion leaves a recorded file on
// disk, which the next purge deletes without recording it again. Run by the gateway once
// a day on a background thread and by `sekishoctl audit purge` (from a timer).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::audit {

struct PurgeOptions {
    std::string trail_path; // audit.file
    std::chrono::seconds retention{};
    std::string by;          // "gateway", or the OS user of sekishoctl
    bool dry_run = false;    // report only: nothing recorded, nothing deleted
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

struct PurgeCandidate {
    std::string path;
    std::string closed; // yyyymmddThhmmss.mmm, JST
    std::uint64_t first_seq = 0, last_seq = 0;
    std::uint64_t bytes = 0;
    std::string held_by; // the hold that keeps it, if any
};

struct PurgeReport {
    std::string cutoff;                  // JST: files closed before this are past retention
    std::vector<PurgeCandidate> purged;  // (dry run: would be)
    std::vector<PurgeCandidate> held;    // past retention, kept by a legal hold
    std::size_t kept = 0;                // rotated files within retention
};

// Throws std::runtime_error naming the file when a rotated file past retention cannot be
// read as audit records (nothing after it is deleted: 'sekishoctl audit verify' says why),
// or when the register or a hold cannot be read or written.
PurgeReport purge_expired(const PurgeOptions& options);

// "1827d" or "90000s": a retention as the configuration writes it.
std::string retention_text(std::chrono::seconds retention);

} // namespace sekisho::audit
