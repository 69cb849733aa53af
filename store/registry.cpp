// The one place that chooses a backend: nothing else includes store/sqlite/ or
// store/postgresql/ to open one.
#include "store/registry.hpp"

#include "config/config.hpp"
#include "store/postgresql/pg_open.hpp"
#include "store/sql/copy.hpp"
#include "store/sqlite/sqlite_open.hpp"
#include "store/sqlite/sqlite_snapshot.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace sekisho::store {

namespace {

void require_one(const config::RegistryConfig& config) {
    if (!config.configured()) throw RegistryError("registry: none is configured (registry.sqlite or registry.postgresql)");
    if (!config.sqlite.empty() && config.postgresql)
        throw RegistryError("registry: both registry.sqlite and registry.postgresql are set; choose one");
}

// One connection, for a copy: the source must be current, the target is migrated first.
std::unique_ptr<sql::Connection> connect(const config::RegistryConfig& config, bool migrate) {
    require_one(config);
    if (migrate) migrate_registry(config);
    if (config.postgresql) return postgresql::open_connection(*config.postgresql);
    return sqlite::open_connection(config.sqlite);
}

// Copies the file's bytes to a new file `to` (mode 0600): written beside it under a
// temporary name, then linked into place, which fails rather than replace a file that
// appeared meanwhile. Nothing is left at `to` when it fails.
void copy_file_new(const std::string& from, const std::string& to) {
    std::ifstream in(from, std::ios::binary);
    if (!in) throw RegistryError("registry snapshot " + from + ": cannot read it");
    const std::string partial = to + ".restoring";
    const int fd = ::open(partial.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) throw RegistryError("registry " + to + ": cannot create " + partial + ": " + std::strerror(errno));
    bool written = true;
    char buffer[1 << 16];
    while (written && in) {
        in.read(buffer, sizeof buffer);
        for (std::streamsize done = 0; written && done < in.gcount();) {
            const auto n = ::write(fd, buffer + done, static_cast<std::size_t>(in.gcount() - done));
            written = n > 0;
            done += n > 0 ? n : 0;
        }
    }
    const int saved = errno;
    written = written && in.eof() && ::fsync(fd) == 0;
    ::close(fd);
    const bool linked = written && ::link(partial.c_str(), to.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(partial.c_str());
    if (!written) throw RegistryError("registry " + to + ": writing the copy failed: " + std::strerror(saved));
    if (!linked) throw RegistryError("registry " + to + ": cannot put the copy in place: " + std::strerror(link_errno));
}

} // namespace

std::shared_ptr<Registry> open_registry(const config::RegistryConfig& config, Clock clock) {
    require_one(config);
    if (config.postgresql) return postgresql::open_registry(*config.postgresql, std::move(clock));
    return sqlite::open_registry(config.sqlite, std::move(clock));
}

MigrationReport migrate_registry(const config::RegistryConfig& config, const std::string& grant_to) {
    require_one(config);
    if (config.postgresql) return postgresql::migrate_registry(*config.postgresql, grant_to);
    if (!grant_to.empty())
        throw RegistryError("registry " + config.sqlite + ": --grant applies to a PostgreSQL registry only "
                            "(a SQLite file's access is its file mode)");
    return sqlite::migrate_registry(config.sqlite);
}

CopyReport copy_registry(const config::RegistryConfig& from, const config::RegistryConfig& to) {
    auto source = connect(from, false);
    auto target = connect(to, true);
    if (source->location() == target->location())
        throw RegistryError("registry " + source->location() + ": cannot copy a registry onto itself");
    const sql::CopyCounts counts = sql::copy_registry(*source, *target);
    return {source->location(), target->location(), counts.rows, counts.last_ledger_seq, counts.revision};
}

SnapshotSummary snapshot_registry(const config::RegistryConfig& config, const std::string& file) {
    require_one(config);
    std::string location = config.sqlite;
    if (config.postgresql) {
        config::RegistryConfig target;
        target.sqlite = file;
        if (std::filesystem::exists(file)) throw RegistryError("registry snapshot " + file + ": already exists");
        location = copy_registry(config, target).from; // the source read in one REPEATABLE READ transaction
        sqlite::make_self_contained(file);
    } else {
        sqlite::snapshot_file(config.sqlite, file);
    }
    auto summary = sqlite::inspect_file(file);
    summary.location = location;
    return summary;
}

SnapshotSummary inspect_snapshot(const std::string& file) {
    return sqlite::inspect_file(file);
}

CopyReport restore_registry(const std::string& snapshot, const config::RegistryConfig& to) {
    require_one(to);
    sqlite::inspect_file(snapshot); // a damaged snapshot is refused before anything is written
    if (!to.postgresql) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            if (std::filesystem::exists(to.sqlite + suffix))
                throw RegistryError("registry " + to.sqlite + suffix +
                                    ": already exists; a restore writes only into a new registry "
                                    "(move the old one away first)");
        copy_file_new(snapshot, to.sqlite);
        const auto restored = sqlite::inspect_file(to.sqlite);
        return {snapshot, to.sqlite, restored.rows, restored.last_ledger_seq, restored.revision};
    }
    // copy_registry opens its source as a registry (which may migrate it): a copy, never the backup.
    const auto scratch = std::filesystem::temp_directory_path() /
                         ("sekisho-restore-" + std::to_string(::getpid()) + "-" + std::filesystem::path(snapshot).filename().string());
    std::filesystem::remove(scratch);
    copy_file_new(snapshot, scratch.string());
    config::RegistryConfig from;
    from.sqlite = scratch.string();
    try {
        auto report = copy_registry(from, to);
        report.from = snapshot;
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(scratch.string() + suffix);
        return report;
    } catch (...) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(scratch.string() + suffix);
        throw;
    }
}

} // namespace sekisho::store
