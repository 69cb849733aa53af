// What the registry's one SQL implementation (store/sql/) asks of a database driver: a
// connection that prepares statements, runs transactions and reports failures as a
// RegistryError naming the database and the operation. store/sqlite/ and store/postgresql/
// each provide one; the rules, queries and ledger writes are written once, here.
//
// Statements use ?1, ?2, … placeholders and SQL both engines accept; a driver may rewrite
// the placeholders (PostgreSQL's $1) but nothing else.
#pragma once

#include "store/types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::store::sql {

// One prepared statement of a driver, with its parameters bound and its result rows.
class Cursor {
public:
    virtual ~Cursor() = default;
    virtual void bind_text(int index, std::string_view text) = 0;
    virtual void bind_integer(int index, std::int64_t value) = 0;
    virtual void bind_null(int index) = 0;
    virtual bool step() = 0;          // runs on the first call; true while a row is available
    virtual int changes() const = 0;  // rows changed, once stepped to the end
    virtual bool is_null(int column) const = 0;
    virtual std::string text(int column) const = 0; // "" for NULL
    virtual std::int64_t integer(int column) const = 0;
};

enum class TransactionKind {
    read,  // a consistent snapshot for several statements
    write, // writers one at a time, over every connection and every process of the registry
};

class Connection {
public:
    explicit Connection(std::string location) : location_(std::move(location)) {}
    virtual ~Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // The file or server, for messages: never a password.
    const std::string& location() const { return location_; }

    virtual std::unique_ptr<Cursor> prepare(std::string_view sql, std::string_view operation) = 0;
    // Runs SQL without results (may hold several statements); throws on failure.
    virtual void exec(const std::string& sql, std::string_view operation) = 0;

    virtual void begin(TransactionKind kind, std::string_view operation) = 0;
    virtual void commit(std::string_view operation) = 0;
    virtual void rollback() noexcept = 0;

    // Within a write transaction that changes what gateways hold (the revision bump): other
    // instances are to be woken once it commits (PostgreSQL: NOTIFY after COMMIT).
    virtual void changed() {}

    // After rows were inserted with their identity values (a copy): later inserts continue
    // after them. SQLite's AUTOINCREMENT does so by itself.
    virtual void sequences_follow_rows(std::string_view) {}

    // False once the connection is broken (server gone): the pool then drops it instead of
    // handing it to the next caller, who opens a fresh one.
    virtual bool usable() const { return true; }

    // "registry <location>: <operation>: <detail>" as a RegistryError.
    [[noreturn]] void fail(std::string_view operation, const std::string& detail) const;
    // The same as a RegistryUnavailable: the database cannot be reached or did not answer.
    [[noreturn]] void unavailable(std::string_view operation, const std::string& detail) const;
    // As fail(), when a rule of store/registry_rules.hpp found a problem.
    void check(const std::optional<std::string>& problem, std::string_view operation) const {
        if (problem) fail(operation, *problem);
    }

private:
    std::string location_;
};

// A statement of a connection; bind parameters by 1-based index, then step() or run().
class Statement {
public:
    Statement(Connection& db, std::string_view sql, std::string_view operation)
        : cursor_(db.prepare(sql, operation)) {}

    Statement& bind(int index, std::string_view text) {
        cursor_->bind_text(index, text);
        return *this;
    }
    Statement& bind(int index, std::int64_t value) {
        cursor_->bind_integer(index, value);
        return *this;
    }
    Statement& bind_nullable(int index, const std::optional<std::string>& text);   // NULL if empty
    Statement& bind_nullable(int index, const std::optional<std::int64_t>& value); // NULL if empty

    bool step() { return cursor_->step(); }
    void run(); // steps to completion, for statements without results
    int changes() const { return cursor_->changes(); }

    std::string text(int column) const { return cursor_->text(column); }
    std::int64_t integer(int column) const { return cursor_->integer(column); }
    bool is_null(int column) const { return cursor_->is_null(column); }
    std::optional<std::string> optional_text(int column) const;
    std::optional<std::int64_t> optional_integer(int column) const;

private:
    std::unique_ptr<Cursor> cursor_;
};

// begin() now; rolled back unless committed.
class Transaction {
public:
    using Kind = TransactionKind;
    Transaction(Connection& db, Kind kind, std::string_view operation);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    Connection& db_;
    std::string operation_;
    bool open_ = false;
};

} // namespace sekisho::store::sql
