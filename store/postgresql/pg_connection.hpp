// The PostgreSQL driver of the registry's SQL implementation (store/sql/connection.hpp): one
// libpq connection with its prepared statements. A write transaction takes one
// transaction-scoped advisory lock first, so that writers — on every gateway instance and in
// sekishoctl — run one at a time, as SQLite's BEGIN IMMEDIATE makes them: the registry's rules
// (a ticket redeemed once, the n-th failure locking an account, ledger sequence numbers in
// commit order) then hold under concurrent writers exactly as they do on one file. Registry
// writes are administrative acts and login outcomes, a few per second at most.
#pragma once

#include "store/sql/connection.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

struct pg_conn;
struct pg_result;

namespace sekisho::store::postgresql {

// What libpq is given to connect (keyword, value), the password among them, and where the
// registry is for messages (the URL without any password).
struct ConnectionSettings {
    std::vector<std::pair<std::string, std::string>> parameters;
    std::string location;
};

// The advisory lock key every write transaction takes ("SEKISHO" in ASCII).
inline constexpr long long kWriteLockKey = 0x53454B4953484FLL;

class PgConnection final : public sql::Connection {
public:
    explicit PgConnection(const ConnectionSettings& settings);
    ~PgConnection() override;

    pg_conn* handle() const { return conn_; }

    std::unique_ptr<sql::Cursor> prepare(std::string_view sql, std::string_view operation) override;
    void exec(const std::string& sql, std::string_view operation) override;
    void begin(sql::TransactionKind kind, std::string_view operation) override;
    void commit(std::string_view operation) override;
    void rollback() noexcept override;
    bool usable() const override;
    void sequences_follow_rows(std::string_view operation) override;

    // Throws a RegistryError for a result that is not ok (and frees it); returns it otherwise.
    pg_result* check_result(pg_result* result, std::string_view operation) const;

private:
    pg_conn* conn_ = nullptr;
    std::unordered_map<std::string, std::pair<std::string, int>> prepared_; // SQL → name, parameters
};

// "?1 … ?n" as "$1 … $n" outside quoted text; *parameters gets n.
std::string to_postgresql_placeholders(std::string_view sql, int* parameters);

} // namespace sekisho::store::postgresql
