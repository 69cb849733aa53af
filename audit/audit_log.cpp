#include "audit/audit_log.hpp"

#include "audit/retention_register.hpp"
#include "audit/trail_files.hpp"
#include "codec/jst_time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace sekisho::audit {

namespace fs = std::filesystem;

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

std::optional<std::string> newest_rotated(const std::string& path) {
    auto files = rotated_files(path);
    if (files.empty()) return std::nullopt;
    return files.back();
}

std::string rotated_name(const std::string& path, std::chrono::system_clock::time_point t) {
    const auto compact = compact_stamp(t);
    std::string name = path + "." + compact;
    for (int i = 1; fs::exists(name); ++i) name = path + "." + compact + "-" + std::to_string(i);
    return name;
}

} // namespace

AuditLog::AuditLog(AuditLogOptions options) : options_(std::move(options)) {
    recover();
    open_file();
    file_day_ = codec::jst_date(std::chrono::system_clock::now());
    last_seal_ = std::chrono::system_clock::now();
    writer_ = std::thread([this] { run(); });
}

AuditLog::~AuditLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
    if (fd_ >= 0) {
        ::fdatasync(fd_);
        ::close(fd_);
    }
}

void AuditLog::recover() {
    std::optional<std::string> line;
    std::string source = options_.path;
    if (fs::exists(options_.path)) line = last_line(options_.path, true);
    if (!line) {
        if (auto rotated = newest_rotated(options_.path)) {
            source = *rotated;
            line = last_line(*rotated, false);
        }
    }
    if (!line) {
        // Every file purged past retention (a gateway off for years): the chain goes on
        // from the last purged record, as the retention register names it.
        if (const auto last = last_purged(retention_register_path(options_.path))) {
            next_seq_ = last->seq + 1;
            head_ = last->hash;
        }
        return; // else a new chain
    }
    std::string error;
    const auto record = parse_record(*line, &error);
    if (!record)
        throw std::runtime_error(source + ": the last record cannot continue the chain: " + error +
                                 " (check it with 'sekishoctl audit verify')");
    next_seq_ = record->seq + 1;
    head_ = record_hash(*line);
}

void AuditLog::open_file() {
    fd_ = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) throw std::runtime_error("cannot open the audit log " + options_.path + ": " + errno_text());
    struct stat st {};
    ::fstat(fd_, &st);
    file_bytes_ = static_cast<std::uint64_t>(st.st_size);
}

void AuditLog::append(std::string_view event, Fields fields) {
    {
        std::lock_guard lock(mutex_);
        append_locked(event, fields, std::chrono::system_clock::now());
    }
    if (options_.fsync == FsyncPolicy::always) wake_.notify_one();
}

void AuditLog::append_locked(std::string_view event, const Fields& fields, std::chrono::system_clock::time_point now) {
    const auto seq = next_seq_++;
    const auto time = codec::jst_timestamp(now);
    auto line = render_record(seq, time, event, fields, head_);
    head_ = record_hash(line);
    if (options_.on_record) options_.on_record(AppendedRecord{seq, time, event, fields, line, head_});
    line += '\n';
    pending_.push_back(std::move(line));
    ++appended_;
    unsealed_ = event != "audit.seal";
}

void AuditLog::seal_locked(std::chrono::system_clock::time_point now) {
    boost::json::object payload;
    payload["seq"] = next_seq_;
    payload["head"] = head_;
    const auto signature = options_.sealer->sign(boost::json::serialize(payload));
    const std::string head = head_;
    append_locked("audit.seal", {{"head", head}, {"sig", signature}}, now);
    last_seal_ = now;
}

void AuditLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, options_.batch_interval, [&] {
            return stopping_ || flush_requested_ || (options_.fsync == FsyncPolicy::always && !pending_.empty());
        });
        flush_requested_ = false;
        const auto now = std::chrono::system_clock::now();
        if (options_.sealer && unsealed_ && (stopping_ || now - last_seal_ >= options_.seal_interval))
            seal_locked(now);
        if (pending_.empty()) {
            written_.notify_all();
            if (stopping_) return;
            continue;
        }
        std::deque<std::string> batch;
        batch.swap(pending_);
        lock.unlock();
        const std::size_t written = write_batch(batch);
        lock.lock();
        written_count_ += written;
        batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(written));
        if (batch.empty()) {
            const bool recovered = std::exchange(failing_, false);
            written_.notify_all();
            if (recovered && options_.on_recovered) {
                lock.unlock(); // the callback may log; never while holding the queue
                options_.on_recovered("audit log writable again: " + options_.path);
                lock.lock();
            }
            continue;
        }
        // Keep every record, in order, in front of what came meanwhile; try again later.
        pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()), std::make_move_iterator(batch.end()));
        ++failures_;
        failing_ = true;
        if (stopping_ && failures_ > 3) return; // reported; the process is going away
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
}

// Writes the lines in order, rotating between them so that no file outgrows max_bytes.
// Returns how many were written; the rest stay queued.
std::size_t AuditLog::write_batch(const std::deque<std::string>& batch) {
    std::size_t written = 0;
    while (written < batch.size()) {
        try {
            rotate_if_needed(batch[written].size());
        } catch (const std::exception& e) {
            if (options_.on_error) options_.on_error(e.what());
            return written;
        }
        // As many lines as fit in the current file (at least one).
        std::string data = batch[written];
        std::size_t end = written + 1;
        while (end < batch.size() &&
               (!options_.max_bytes || file_bytes_ + data.size() + batch[end].size() <= options_.max_bytes))
            data += batch[end++];
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const auto why = errno_text();
                // A short write leaves a torn line: cut it so the chain stays whole on disk.
                if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(file_bytes_)) != 0) {
                    // left torn: the next start cuts it (recover())
                }
                if (options_.on_error) options_.on_error("cannot write the audit log " + options_.path + ": " + why);
                return written;
            }
            done += static_cast<std::size_t>(n);
        }
        file_bytes_ += data.size();
        written = end;
    }
    if (options_.fsync != FsyncPolicy::none && ::fdatasync(fd_) != 0 && options_.on_error)
        // The data is in the file; only its durability is in doubt. Not written again.
        options_.on_error("cannot sync the audit log " + options_.path + ": " + errno_text());
    return written;
}

void AuditLog::rotate_if_needed(std::size_t incoming) {
    const auto now = std::chrono::system_clock::now();
    const bool too_big = options_.max_bytes && file_bytes_ > 0 && file_bytes_ + incoming > options_.max_bytes;
    const bool new_day = options_.rotate_daily && file_bytes_ > 0 && codec::jst_date(now) != file_day_;
    if (!too_big && !new_day) return;
    ::fdatasync(fd_);
    const auto target = rotated_name(options_.path, now);
    if (::rename(options_.path.c_str(), target.c_str()) != 0)
        throw std::runtime_error("cannot rotate the audit log " + options_.path + ": " + errno_text());
    ::close(fd_);
    fd_ = -1;
    open_file();
    file_day_ = codec::jst_date(now);
    sync_folder_of(options_.path); // the rename itself survives a crash
}

void AuditLog::flush() {
    std::unique_lock lock(mutex_);
    const auto target = appended_;
    flush_requested_ = true;
    wake_.notify_all();
    written_.wait_for(lock, std::chrono::seconds(10), [&] { return written_count_ >= target; });
}

AuditStats AuditLog::stats() const {
    std::lock_guard lock(mutex_);
    return AuditStats{appended_, written_count_, failures_, static_cast<std::uint64_t>(pending_.size()), failing_};
}

} // namespace sekisho::audit
