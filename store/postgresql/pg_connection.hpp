// The PostgreSQL driver of the registry's SQL implementation (store/sql/connection.hpp): one
// libpq connection with its prepared statements.
//
// A write transaction first locks the one registry_revision row (FOR UPDATE, which needs the
// UPDATE right only the owner and the gateways' role have — an advisory lock would let any
// role that can log in hold every writer off), so that writers on every gateway instance and
// in sekishoctl run one at a time, as SQLite's BEGIN IMMEDIATE makes them: the registry's
// rules (a ticket redeemed once, the n-th failure locking an account, ledger sequence numbers
// in commit order) then hold under concurrent writers exactly as they do on one file.
// Registry writes are administrative acts and login outcomes, a few per second at most.
//
// Every call has a deadline of our own (the server's statement_timeout cannot help when the
// server itself is stuck): the socket is driven without blocking, and a call that overruns
// abandons the connection and fails, closed.
#pragma once

#include "store/sql/connection.hpp"

#include <chrono>
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
    std::chrono::milliseconds connect_timeout{5000}; // the whole connection set-up
    std::chrono::milliseconds call_timeout{11000};   // one statement, its round trip included; 0: none
};

class PgConnection final : public sql::Connection {
public:
    explicit PgConnection(const ConnectionSettings& settings);
    void set_call_timeout(std::chrono::milliseconds timeout) { call_timeout_ = timeout; } // migrations: 0
    ~PgConnection() override;

    pg_conn* handle() const { return conn_; }

    std::unique_ptr<sql::Cursor> prepare(std::string_view sql, std::string_view operation) override;
    void exec(const std::string& sql, std::string_view operation) override;
    void begin(sql::TransactionKind kind, std::string_view operation) override;
    void commit(std::string_view operation) override;
    void rollback() noexcept override;
    bool usable() const override;
    void sequences_follow_rows(std::string_view operation) override;
    void changed() override { notify_after_commit_ = true; }

    // One prepared statement with its parameters, within the deadline; the result is ok.
    pg_result* run_prepared(const std::string& name, const std::vector<const char*>& values,
                            std::string_view operation);

private:
    // Sends with send() and gathers every result within the deadline; returns the last one
    // (freeing the others), or throws the first error. A call that overruns abandons the
    // connection (it stays unusable).
    template <class Send>
    pg_result* call(std::string_view operation, Send&& send);
    void wait_socket(short events, std::chrono::steady_clock::time_point deadline, std::string_view operation);
    // Throws a RegistryError for a result that is not ok (and frees it); returns it otherwise.
    pg_result* check_result(pg_result* result, std::string_view operation) const;

    pg_conn* conn_ = nullptr;
    std::chrono::milliseconds call_timeout_;
    bool abandoned_ = false;           // a call overran: nothing more is sent on it
    bool notify_after_commit_ = false; // this transaction changed the revision
    std::unordered_map<std::string, std::pair<std::string, int>> prepared_; // SQL → name, parameters
};

// "?1 … ?n" as "$1 … $n" outside quoted text; *parameters gets n.
std::string to_postgresql_placeholders(std::string_view sql, int* parameters);

} // namespace sekisho::store::postgresql
