#include "audit/retention_register.hpp"

#include "audit/audit_verify.hpp"
#include "audit/trail_files.hpp"
#include "codec/jst_time.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace sekisho::audit {

namespace {

std::uint64_t to_seq(const std::string& text) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

} // namespace

std::string retention_register_path(const std::string& trail_path) {
    return trail_path + ".retention";
}

RetentionRegister::RetentionRegister(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) throw std::runtime_error("cannot open the retention register " + path_ + ": " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const std::string why = std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error("cannot lock the retention register " + path_ + ": " + why);
    }
    try {
        if (const auto line = last_line(path_, true)) { // a torn line from a crash is cut off
            std::string error;
            const auto record = parse_record(*line, &error);
            if (!record)
                throw std::runtime_error(path_ + ": the last record cannot be continued: " + error +
                                         " (check it with 'sekishoctl audit verify " + path_ + "')");
            next_seq_ = record->seq + 1;
            head_ = record_hash(*line);
        }
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

RetentionRegister::~RetentionRegister() {
    ::close(fd_); // releases the flock
}

std::uint64_t RetentionRegister::append(std::string_view event, const Fields& fields) {
    const auto seq = next_seq_;
    auto line = render_record(seq, codec::jst_timestamp(std::chrono::system_clock::now()), event, fields, head_);
    const auto hash = record_hash(line);
    line += '\n';
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("cannot write the retention register " + path_ + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    if (::fdatasync(fd_) != 0)
        throw std::runtime_error("cannot sync the retention register " + path_ + ": " + std::strerror(errno));
    sync_folder_of(path_); // a new register survives a crash too
    ++next_seq_;
    head_ = hash;
    return seq;
}

std::string field_of(const ParsedRecord& record, std::string_view key) {
    for (const auto& [k, v] : record.fields)
        if (k == key) return v;
    return {};
}

std::vector<ParsedRecord> read_retention_register(const std::string& path) {
    if (!std::filesystem::exists(path)) return {};
    const auto checked = verify_chain({path}, nullptr);
    if (!checked.ok) throw std::runtime_error("the retention register is broken: " + checked.problem);
    if (checked.records > 0 && checked.first_seq != 1)
        throw std::runtime_error("the retention register " + path + " does not start at record 1");
    std::vector<ParsedRecord> records;
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
        std::string error;
        if (auto record = parse_record(line, &error)) records.push_back(std::move(*record));
    }
    return records;
}

std::vector<PurgedFile> purged_files(const std::vector<ParsedRecord>& records) {
    std::vector<PurgedFile> files;
    for (const auto& r : records) {
        if (r.event != "audit.purged") continue;
        files.push_back(PurgedFile{field_of(r, "file"), to_seq(field_of(r, "first_seq")),
                                   to_seq(field_of(r, "last_seq")), field_of(r, "first_prev"),
                                   field_of(r, "last_hash")});
    }
    return files;
}

std::optional<ChainEnd> last_purged(const std::string& register_path) {
    std::optional<ChainEnd> end;
    for (const auto& f : purged_files(read_retention_register(register_path)))
        if (!end || f.last_seq > end->seq) end = ChainEnd{f.last_seq, f.last_hash};
    return end;
}

} // namespace sekisho::audit
