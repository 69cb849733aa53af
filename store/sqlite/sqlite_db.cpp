#include "store/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace sekisho::store::sqlite {

namespace {

// Creates the file with mode 0600 before SQLite opens it: a registry holds who may connect,
// and SQLite would otherwise apply the umask. SQLite gives its -wal and -shm files the
// database file's mode.
void create_private_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno == EEXIST) return;
    throw RegistryError("registry " + path + ": cannot create the database file: " + std::strerror(errno));
}

} // namespace

Database::Database(std::string path) : sql::Connection(std::move(path)) {
    create_private_file(location());
    int rc = sqlite3_open_v2(location().c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        fail("open", detail);
    }
    sqlite3_extended_result_codes(db_, 1);
    try {
        if (sqlite3_busy_timeout(db_, 5000) != SQLITE_OK) fail_sqlite("set busy timeout");
        exec("PRAGMA foreign_keys = ON", "enable foreign keys");
        Statement wal(*this, "PRAGMA journal_mode = WAL", "enable WAL journaling");
        if (!wal.step() || wal.text(0) != "wal") {
            fail("enable WAL journaling", "the file system does not support it");
        }
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

Database::~Database() {
    sqlite3_close(db_);
}

void Database::exec(const std::string& sql, std::string_view operation) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string detail = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        fail(operation, detail);
    }
}

void Database::fail_sqlite(std::string_view operation) const {
    switch (sqlite3_errcode(db_) & 0xff) { // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
        unavailable(operation, sqlite3_errmsg(db_));
    default:
        fail(operation, sqlite3_errmsg(db_));
    }
}

namespace {

class SqliteCursor final : public sql::Cursor {
public:
    SqliteCursor(Database& db, std::string_view sql, std::string_view operation) : db_(db), operation_(operation) {
        if (sqlite3_prepare_v2(db_.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
            db_.fail_sqlite(operation_);
    }
    ~SqliteCursor() override { sqlite3_finalize(stmt_); }

    void bind_text(int index, std::string_view text) override {
        if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
            db_.fail_sqlite(operation_);
    }
    void bind_integer(int index, std::int64_t value) override {
        if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail_sqlite(operation_);
    }
    void bind_null(int index) override {
        if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail_sqlite(operation_);
    }
    bool step() override {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        db_.fail_sqlite(operation_);
    }
    int changes() const override { return sqlite3_changes(db_.handle()); }
    bool is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::string text(int column) const override {
        const unsigned char* p = sqlite3_column_text(stmt_, column);
        if (p == nullptr) return {};
        return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }
    std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }

private:
    Database& db_;
    std::string operation_;
    sqlite3_stmt* stmt_ = nullptr;
};

} // namespace

std::unique_ptr<sql::Cursor> Database::prepare(std::string_view sql, std::string_view operation) {
    return std::make_unique<SqliteCursor>(*this, sql, operation);
}

void Database::begin(sql::TransactionKind kind, std::string_view operation) {
    exec(kind == sql::TransactionKind::write ? "BEGIN IMMEDIATE" : "BEGIN", operation);
}

void Database::commit(std::string_view operation) {
    exec("COMMIT", operation);
}

void Database::rollback() noexcept {
    // A failed ROLLBACK leaves SQLite to roll back itself when the connection next works.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

} // namespace sekisho::store::sqlite
