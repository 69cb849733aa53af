#include "audit/retention.hpp"

#include "audit/audit_record.hpp"
#include "audit/legal_hold.hpp"
#include "audit/retention_register.hpp"
#include "audit/trail_files.hpp"
#include "codec/jst_time.hpp"

#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>

namespace sekisho::audit {

namespace fs = std::filesystem;

namespace {

struct FileEnds {
    ParsedRecord first, last;
    std::string first_line, last_line;
};

FileEnds ends_of(const std::string& path) {
    const auto first = first_line(path);
    const auto last = last_line(path, false);
    if (!first || !last)
        throw std::runtime_error(path + " holds no complete record; not purged (check it with 'sekishoctl audit verify')");
    std::string error;
    auto a = parse_record(*first, &error);
    auto b = a ? parse_record(*last, &error) : std::nullopt;
    if (!a || !b) throw std::runtime_error(path + ": " + error + "; not purged (check it with 'sekishoctl audit verify')");
    return FileEnds{std::move(*a), std::move(*b), *first, *last};
}

} // namespace

std::string retention_text(std::chrono::seconds retention) {
    const auto s = retention.count();
    return s % 86400 == 0 ? std::to_string(s / 86400) + "d" : std::to_string(s) + "s";
}

PurgeReport purge_expired(const PurgeOptions& options) {
    PurgeReport report;
    report.cutoff = codec::jst_timestamp(options.now - options.retention);
    const auto cutoff = compact_stamp(options.now - options.retention);
    const auto rotated = rotated_files(options.trail_path);
    if (rotated.empty() || closed_stamp(rotated.front()) >= cutoff) { // nothing expired: no lock, no register
        report.kept = rotated.size();
        return report;
    }
    // The lock first: a hold placed or a purge run meanwhile is seen whole or not at all.
    std::optional<RetentionRegister> reg;
    if (!options.dry_run) reg.emplace(retention_register_path(options.trail_path));
    const auto holds = read_holds(options.trail_path);
    std::set<std::string> recorded;
    for (const auto& f : purged_files(read_retention_register(retention_register_path(options.trail_path))))
        recorded.insert(f.file + "\n" + std::to_string(f.last_seq));

    for (const auto& path : rotated_files(options.trail_path)) { // again, under the lock
        PurgeCandidate c;
        c.path = path;
        c.closed = closed_stamp(path);
        if (c.closed >= cutoff) { // names sort by close time: the rest are younger still
            ++report.kept;
            continue;
        }
        const auto ends = ends_of(path);
        c.first_seq = ends.first.seq;
        c.last_seq = ends.last.seq;
        c.bytes = fs::file_size(path);
        if (const auto* hold = hold_over(holds, c.first_seq, c.last_seq)) {
            c.held_by = hold->name;
            report.held.push_back(std::move(c));
            continue;
        }
        const auto name = fs::path(path).filename().string();
        if (!options.dry_run) {
            if (!recorded.contains(name + "\n" + std::to_string(c.last_seq)))
                reg->append("audit.purged",
                            {{"file", name},
                             {"closed", c.closed},
                             {"first_seq", std::to_string(c.first_seq)},
                             {"first_prev", ends.first.prev},
                             {"first_time", ends.first.time},
                             {"last_seq", std::to_string(c.last_seq)},
                             {"last_hash", record_hash(ends.last_line)},
                             {"last_time", ends.last.time},
                             {"bytes", std::to_string(c.bytes)},
                             {"retention", retention_text(options.retention)},
                             {"cutoff", report.cutoff},
                             {"by", options.by}});
            fs::remove(path); // recorded (and synced) first: never a deletion without its record
            sync_folder_of(path);
        }
        report.purged.push_back(std::move(c));
    }
    return report;
}

} // namespace sekisho::audit
