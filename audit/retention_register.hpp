// <audit file>.retention, the retention register: what retention did to the trail. Each
// rotated file deleted past retention is a record audit.purged (which file, its first and
// last record's number and hash, its SHA-256 and size, when it was closed, the retention in
// force, who deleted it), each legal hold placed or lifted a record audit.hold_added /
// audit.hold_removed. The records have the trail's own format and form a hash chain of
// their own from genesis (audit_record.hpp), so `sekishoctl audit verify <file>.retention`
// checks the register like any trail file. verify_trail() bridges a purged file with its
// record, and still fails on a file gone without one; the gateway copies every record
// into the trail (gateway/events/retention_copy.hpp), the deletion is then an audit
// record there too. Whoever writes it (the gateway's daily purge, `sekishoctl audit
// purge`, `audit hold`) holds an exclusive flock on it: never two writers at once.
#pragma once

#include "audit/audit_record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::audit {

std::string retention_register_path(const std::string& trail_path);

class RetentionRegister {
public:
    // Opens (or creates) the register and takes its lock, waiting for another writer to
    // finish. Throws std::runtime_error naming the file when it cannot be opened, or when
    // its last record cannot be continued.
    explicit RetentionRegister(std::string path);
    ~RetentionRegister(); // releases the lock

    RetentionRegister(const RetentionRegister&) = delete;
    RetentionRegister& operator=(const RetentionRegister&) = delete;

    // Appends a record and syncs it; throws naming the file. Returns its number.
    std::uint64_t append(std::string_view event, const Fields& fields);
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int fd_ = -1;
    std::uint64_t next_seq_ = 1;
    std::string head_ = kGenesis;
};

// The value of a record's field, empty when it has none.
std::string field_of(const ParsedRecord& record, std::string_view key);

// Every record of the register at path, in order, after checking its chain from genesis;
// none when there is no register. Throws std::runtime_error naming file:line on a broken
// one (the register was changed: nothing it says can be trusted).
std::vector<ParsedRecord> read_retention_register(const std::string& path);

// What an audit.purged record says about the file it deleted.
struct PurgedFile {
    std::string file; // its name
    std::uint64_t first_seq = 0, last_seq = 0;
    std::string first_prev; // the prev of its first record: the hash of the record before
    std::string last_hash;  // the hash of its last record: the prev of the record after
};
std::vector<PurgedFile> purged_files(const std::vector<ParsedRecord>& records);

// The last record of every purged file (the highest number), if any: where the chain goes
// on when no file of the trail is left.
struct ChainEnd {
    std::uint64_t seq = 0;
    std::string hash;
};
std::optional<ChainEnd> last_purged(const std::string& register_path);

} // namespace sekisho::audit
