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

Database::Database(std::string path) : path_(std::move(path)) {
    create_private_file(path_);
    int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
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

void Database::fail(std::string_view operation, const std::string& detail) const {
    throw RegistryError("registry " + path_ + ": " + std::string(operation) + ": " + detail);
}

void Database::fail_sqlite(std::string_view operation) const {
    fail(operation, sqlite3_errmsg(db_));
}

Statement::Statement(Database& db, std::string_view sql, std::string_view operation)
    : db_(db), operation_(operation) {
    if (sqlite3_prepare_v2(db_.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
        db_.fail_sqlite(operation_);
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
        db_.fail_sqlite(operation_);
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail_sqlite(operation_);
    return *this;
}

Statement& Statement::bind_nullable(int index, const std::optional<std::string>& text) {
    if (text) return bind(index, std::string_view(*text));
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail_sqlite(operation_);
    return *this;
}

Statement& Statement::bind_nullable(int index, const std::optional<std::int64_t>& value) {
    if (value) return bind(index, *value);
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail_sqlite(operation_);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail_sqlite(operation_);
}

void Statement::run() {
    while (step()) {
    }
}

int Statement::changes() const {
    return sqlite3_changes(db_.handle());
}

std::string Statement::text(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
}

std::optional<std::int64_t> Statement::optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
}

Transaction::Transaction(Database& db, Kind kind, std::string_view operation)
    : db_(db), operation_(operation) {
    db_.exec(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN", operation_);
    open_ = true;
}

Transaction::~Transaction() {
    // A failed ROLLBACK leaves SQLite to roll back itself when the connection next works.
    if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT", operation_);
    open_ = false;
}

} // namespace sekisho::store::sqlite
