// The SQLite driver of the registry's SQL implementation (store/sql/connection.hpp): thin
// RAII over the SQLite C API, each failure a RegistryError naming the file and the operation.
#pragma once

#include "store/sql/connection.hpp"

#include <memory>
#include <string>
#include <string_view>

struct sqlite3;

namespace sekisho::store::sqlite {

// One connection. Opening creates the file with mode 0600 if it is missing, then sets WAL
// journaling, a 5 s busy timeout and foreign-key enforcement. A write transaction is BEGIN
// IMMEDIATE: it takes the write lock up front, so that two writers wait on busy_timeout
// instead of failing on lock upgrade.
class Database final : public sql::Connection {
public:
    explicit Database(std::string path);
    ~Database() override;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return location(); }

    std::unique_ptr<sql::Cursor> prepare(std::string_view sql, std::string_view operation) override;
    void exec(const std::string& sql, std::string_view operation) override;
    void begin(sql::TransactionKind kind, std::string_view operation) override;
    void commit(std::string_view operation) override;
    void rollback() noexcept override;

    // As fail(), with SQLite's message for the last error on this connection.
    [[noreturn]] void fail_sqlite(std::string_view operation) const;

private:
    sqlite3* db_ = nullptr;
};

using sql::Statement;
using sql::Transaction;

} // namespace sekisho::store::sqlite
