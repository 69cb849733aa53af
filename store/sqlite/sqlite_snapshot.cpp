#include "store/sqlite/sqlite_snapshot.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sekisho::store::sqlite {

namespace {

// One raw connection, without the registry's own settings (WAL, migrations): a snapshot is
// read or written as it is.
class Handle {
public:
    Handle(const std::string& path, int flags) : path_(path) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            const std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            throw RegistryError("registry " + path + ": cannot open: " + detail);
        }
        sqlite3_busy_timeout(db_, 5000);
    }
    ~Handle() { sqlite3_close(db_); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    sqlite3* get() const { return db_; }
    [[noreturn]] void fail(const std::string& operation) const {
        throw RegistryError("registry " + path_ + ": " + operation + ": " + sqlite3_errmsg(db_));
    }
    // Each row's first column as text, for PRAGMAs and counts.
    std::vector<std::string> column(const std::string& sql) const {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) fail(sql);
        std::vector<std::string> rows;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const unsigned char* text = sqlite3_column_text(stmt, 0);
            rows.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) fail(sql);
        return rows;
    }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// path as an SQLite URI's path: the characters a URI gives a meaning escaped.
std::string uri_path(const std::string& path) {
    std::string out;
    for (const char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            static const char* const kHex = "0123456789ABCDEF";
            out += '%';
            out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
            out += kHex[static_cast<unsigned char>(c) & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

std::int64_t single_integer(const Handle& db, const std::string& sql) {
    const auto rows = db.column(sql);
    return rows.empty() || rows[0].empty() ? 0 : std::stoll(rows[0]);
}

} // namespace

void snapshot_file(const std::string& source, const std::string& dest) {
    if (!std::filesystem::exists(source)) throw RegistryError("registry " + source + ": no such file");
    const int fd = ::open(dest.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) throw RegistryError("registry snapshot " + dest + ": cannot create: " + std::strerror(errno));
    ::close(fd);
    Handle from(source, SQLITE_OPEN_READWRITE); // WAL readers need the -shm; never creates the file
    {
        Handle to(dest, SQLITE_OPEN_READWRITE);
        sqlite3_backup* backup = sqlite3_backup_init(to.get(), "main", from.get(), "main");
        if (backup == nullptr) to.fail("start the online backup");
        // -1: every page in one step, under one read transaction of the source.
        const int rc = sqlite3_backup_step(backup, -1);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) {
            throw RegistryError("registry " + source + ": online backup into " + dest + ": " + sqlite3_errstr(rc));
        }
    }
    make_self_contained(dest);
}

void make_self_contained(const std::string& path) {
    Handle db(path, SQLITE_OPEN_READWRITE);
    const auto mode = db.column("PRAGMA journal_mode = DELETE");
    if (mode.empty() || mode[0] != "delete") db.fail("leave WAL journaling");
}

SnapshotSummary inspect_file(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) throw RegistryError("registry " + path + ": no such file");
    // immutable: no lock, no journal, no -shm; the file is not changed by being checked.
    Handle db("file:" + uri_path(path) + "?immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    const auto integrity = db.column("PRAGMA integrity_check");
    if (integrity.size() != 1 || integrity[0] != "ok")
        throw RegistryError("registry " + path + ": integrity_check: " +
                            (integrity.empty() ? std::string("no answer") : integrity[0]));
    if (!db.column("PRAGMA foreign_key_check").empty())
        throw RegistryError("registry " + path + ": foreign_key_check: rows point to rows that are missing");
    SnapshotSummary summary;
    summary.location = path;
    summary.schema_version = static_cast<int>(single_integer(db, "PRAGMA user_version"));
    for (const auto& table :
         db.column("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))
        summary.rows.emplace_back(table, single_integer(db, "SELECT COUNT(*) FROM \"" + table + "\""));
    summary.last_ledger_seq = single_integer(db, "SELECT COALESCE(MAX(seq), 0) FROM ledger");
    summary.revision = single_integer(db, "SELECT revision FROM registry_revision WHERE id = 1");
    return summary;
}

} // namespace sekisho::store::sqlite
