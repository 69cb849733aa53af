// The audit log writer: append-only JSON lines in a hash chain (audit_record.hpp), written
// by a thread of its own so that no caller waits for the disk. Records are numbered and
// chained when appended (any thread), then written in that order and made durable as the
// fsync policy says. The chain head is sealed periodically (and at close) with an ES256
// signature, verifiable with the public key alone. Rotation by size or by day (JST)
// continues the chain in the next file. A write error keeps the records queued, reports
// through on_error (and the recovery through on_recovered), and retries: nothing is dropped
// silently.
#pragma once

#include "audit/audit_record.hpp"
#include "pki/jws.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sekisho::audit {

enum class FsyncPolicy {
    always,  // every batch is fsync'ed before the writer takes the next one
    batched, // fsync at most every batch_interval (default 100 ms)
    none,    // leave it to the kernel
};

// A record just appended to the chain, as on_record sees it.
struct AppendedRecord {
    std::uint64_t seq;
    std::string_view time;
    std::string_view event;
    const Fields& fields;
    std::string_view line; // the canonical line, without its newline
    std::string_view hash; // record_hash(line): the next record's prev
};

struct AuditLogOptions {
    std::string path;
    FsyncPolicy fsync = FsyncPolicy::batched;
    std::chrono::milliseconds batch_interval{100};
    std::uint64_t max_bytes = 100ull * 1024 * 1024; // rotate before a file grows past this
    bool rotate_daily = true;                       // and when the JST date changes
    const pki::Es256Signer* sealer = nullptr;       // none: no seals (the chain still holds)
    std::chrono::seconds seal_interval{60};
    std::function<void(const std::string&)> on_error;     // write failures
    std::function<void(const std::string&)> on_recovered; // writing works again after failures
    // Each record as appended, in chain order, under the log's lock (keep it quick): the
    // syslog copy (syslog_forwarder.hpp).
    std::function<void(const AppendedRecord&)> on_record;
};

struct AuditStats {
    std::uint64_t appended = 0;
    std::uint64_t written = 0;
    std::uint64_t write_failures = 0;
    std::uint64_t pending = 0;
    bool failing = false;
};

class AuditLog {
public:
    // Opens (or creates) path, continues the chain of what is there — a torn last line
    // from a crash is cut off first — or of the newest rotated file. Throws
    // std::runtime_error naming the file when it cannot be opened.
    explicit AuditLog(AuditLogOptions options);
    ~AuditLog(); // seals, writes everything, syncs

    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void append(std::string_view event, Fields fields);
    void flush(); // returns once everything appended so far is written (and synced unless none)
    AuditStats stats() const;
    const std::string& path() const { return options_.path; }

private:
    void recover();
    void append_locked(std::string_view event, const Fields& fields, std::chrono::system_clock::time_point now);
    void seal_locked(std::chrono::system_clock::time_point now);
    void run();
    std::size_t write_batch(const std::deque<std::string>& batch);
    void rotate_if_needed(std::size_t incoming);
    void open_file();

    AuditLogOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, written_;
    std::deque<std::string> pending_;
    std::uint64_t next_seq_ = 1;
    std::string head_ = kGenesis; // hash of the last appended line
    std::uint64_t appended_ = 0, written_count_ = 0, failures_ = 0;
    bool failing_ = false, stopping_ = false, flush_requested_ = false;
    std::chrono::system_clock::time_point last_seal_;
    bool unsealed_ = false; // records since the last seal

    // Writer thread only.
    int fd_ = -1;
    std::uint64_t file_bytes_ = 0;
    std::string file_day_; // JST date of the current file's first record
    std::thread writer_;
};

} // namespace sekisho::audit
