// Thin RAII over the SQLite C API: a connection, prepared statements and transactions, each
// failure turned into a RegistryError naming the database file and the operation.
#pragma once

#include "store/device_registry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace sekisho::store::sqlite {

// One connection. Opening creates the file with mode 0600 if it is missing, then sets WAL
// journaling, a 5 s busy timeout and foreign-key enforcement.
class Database {
public:
    explicit Database(std::string path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // Runs SQL without results (may hold several statements); throws on failure.
    void exec(const std::string& sql, std::string_view operation);

    // "registry <path>: <operation>: <detail>" as a RegistryError.
    [[noreturn]] void fail(std::string_view operation, const std::string& detail) const;
    // As fail(), with SQLite's message for the last error on this connection.
    [[noreturn]] void fail_sqlite(std::string_view operation) const;
    // As fail(), when a rule of store/registry_rules.hpp found a problem.
    void check(const std::optional<std::string>& problem, std::string_view operation) const {
        if (problem) fail(operation, *problem);
    }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// A prepared statement; bind parameters by 1-based index, then step() or run().
class Statement {
public:
    Statement(Database& db, std::string_view sql, std::string_view operation);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_nullable(int index, const std::optional<std::string>& text);   // NULL if empty
    Statement& bind_nullable(int index, const std::optional<std::int64_t>& value); // NULL if empty

    bool step();         // true while a row is available
    void run();          // steps to completion, for statements without results
    int changes() const; // rows changed by the last run()

    std::string text(int column) const; // "" for NULL
    std::int64_t integer(int column) const;
    bool is_null(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;

private:
    Database& db_;
    std::string operation_;
    sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN (read) or BEGIN IMMEDIATE (write, taking the write lock up front so that two writers
// wait on busy_timeout instead of failing on lock upgrade); rolled back unless committed.
class Transaction {
public:
    enum class Kind { read, write };
    Transaction(Database& db, Kind kind, std::string_view operation);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    Database& db_;
    std::string operation_;
    bool open_ = false;
};

} // namespace sekisho::store::sqlite
