#include "store/postgresql/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace sekisho::store::postgresql {

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

class PgCursor final : public sql::Cursor {
public:
    PgCursor(PgConnection& db, std::string name, int parameters, std::string_view operation)
        : db_(db), name_(std::move(name)), operation_(operation), values_(static_cast<std::size_t>(parameters)) {}
    ~PgCursor() override { PQclear(result_); }

    void bind_text(int index, std::string_view text) override { slot(index) = std::string(text); }
    void bind_integer(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
    void bind_null(int index) override { slot(index).reset(); }

    bool step() override {
        if (result_ == nullptr) execute();
        return ++row_ < PQntuples(result_);
    }
    int changes() const override {
        if (result_ == nullptr) return 0;
        const char* count = PQcmdTuples(result_);
        int n = 0;
        std::from_chars(count, count + std::char_traits<char>::length(count), n);
        return n;
    }
    bool is_null(int column) const override { return PQgetisnull(result_, row_, column) != 0; }
    std::string text(int column) const override {
        return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
    }
    std::int64_t integer(int column) const override {
        if (is_null(column)) return 0;
        const char* p = PQgetvalue(result_, row_, column);
        const char* end = p + PQgetlength(result_, row_, column);
        std::int64_t value = 0;
        const auto [stop, ec] = std::from_chars(p, end, value);
        if (ec != std::errc() || stop != end) db_.fail(operation_, "column " + std::to_string(column) + " is not an integer");
        return value;
    }

private:
    std::optional<std::string>& slot(int index) {
        if (index < 1 || static_cast<std::size_t>(index) > values_.size())
            db_.fail(operation_, "parameter ?" + std::to_string(index) + " is not in the statement");
        return values_[static_cast<std::size_t>(index - 1)];
    }
    void execute() {
        std::vector<const char*> values;
        values.reserve(values_.size());
        for (const auto& v : values_) values.push_back(v ? v->c_str() : nullptr);
        result_ = db_.run_prepared(name_, values, operation_);
    }

    PgConnection& db_;
    std::string name_;
    std::string operation_;
    std::vector<std::optional<std::string>> values_;
    PGresult* result_ = nullptr;
    int row_ = -1;
};

} // namespace

std::string to_postgresql_placeholders(std::string_view sql, int* parameters) {
    std::string out;
    out.reserve(sql.size());
    int highest = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (c == '\'') quoted = !quoted; // '' inside text toggles twice: still right
        if (!quoted && c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            int n = 0;
            std::size_t j = i + 1;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
            out += '$';
            out.append(sql.substr(i + 1, j - i - 1));
            if (n > highest) highest = n;
            i = j - 1;
            continue;
        }
        out += c;
    }
    if (parameters != nullptr) *parameters = highest;
    return out;
}

PgConnection::PgConnection(const ConnectionSettings& settings)
    : sql::Connection(settings.location), call_timeout_(settings.call_timeout) {
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (const auto& [k, v] : settings.parameters) {
        keywords.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    // Started and polled by us, so that the whole set-up (TCP, TLS, authentication, every
    // host of a multi-host URL) has one deadline. (A host name is still resolved by libpq
    // without one: give addresses or a resolver that answers.)
    conn_ = PQconnectStartParams(keywords.data(), values.data(), 1);
    if (conn_ == nullptr) unavailable("connect", "out of memory");
    const auto deadline = std::chrono::steady_clock::now() + settings.connect_timeout;
    try {
        for (PostgresPollingStatusType state = PGRES_POLLING_WRITING; state != PGRES_POLLING_OK;
             state = PQconnectPoll(conn_)) {
            if (state == PGRES_POLLING_FAILED || PQstatus(conn_) == CONNECTION_BAD)
                unavailable("connect", trimmed(PQerrorMessage(conn_)));
            wait_socket(state == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline, "connect");
        }
        if (PQsetnonblocking(conn_, 1) != 0) unavailable("connect", trimmed(PQerrorMessage(conn_)));
    } catch (...) {
        PQfinish(conn_);
        conn_ = nullptr;
        throw;
    }
    // The server's notices (a FATAL before it drops us) would go to stderr; errors reach the
    // caller through results, and the log through them.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
    PQfinish(conn_);
}

void PgConnection::wait_socket(short events, std::chrono::steady_clock::time_point deadline,
                               std::string_view operation) {
    const bool bounded = call_timeout_.count() > 0 || conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK;
    for (;;) {
        int timeout_ms = -1;
        if (bounded) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                abandoned_ = true;
                unavailable(operation, "PostgreSQL did not answer in time; the connection is abandoned");
            }
            timeout_ms = static_cast<int>(left.count()) + 1;
        }
        pollfd p{PQsocket(conn_), events, 0};
        if (p.fd < 0) unavailable(operation, "the connection has no socket");
        const int n = ::poll(&p, 1, timeout_ms);
        if (n > 0) return;
        if (n < 0 && errno != EINTR) unavailable(operation, std::string("poll: ") + std::strerror(errno));
    }
}

template <class Send>
PGresult* PgConnection::call(std::string_view operation, Send&& send) {
    if (abandoned_) unavailable(operation, "the connection was abandoned after a call ran out of time");
    const auto deadline = std::chrono::steady_clock::now() + call_timeout_;
    if (send() == 0) unavailable(operation, trimmed(PQerrorMessage(conn_)));
    for (;;) { // the request out, whatever the socket buffer takes at a time
        const int flushed = PQflush(conn_);
        if (flushed == 0) break;
        if (flushed < 0) unavailable(operation, trimmed(PQerrorMessage(conn_)));
        wait_socket(POLLIN | POLLOUT, deadline, operation);
        if (PQconsumeInput(conn_) == 0) unavailable(operation, trimmed(PQerrorMessage(conn_)));
    }
    PGresult* last = nullptr;
    PGresult* error = nullptr;
    for (;;) {
        while (PQisBusy(conn_) != 0) {
            try {
                wait_socket(POLLIN, deadline, operation);
            } catch (...) {
                PQclear(last);
                PQclear(error);
                throw;
            }
            if (PQconsumeInput(conn_) == 0) break; // the connection broke: PQgetResult says so
        }
        PGresult* result = PQgetResult(conn_);
        if (result == nullptr) break;
        const ExecStatusType status = PQresultStatus(result);
        if (error == nullptr && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            error = result; // the first error says why; later results are consequences
            continue;
        }
        PQclear(last);
        last = result;
        if (PQstatus(conn_) == CONNECTION_BAD) break;
    }
    if (error != nullptr || last == nullptr) {
        PQclear(last);
        check_result(error, operation); // throws
    }
    return last;
}

PGresult* PgConnection::run_prepared(const std::string& name, const std::vector<const char*>& values,
                                     std::string_view operation) {
    return call(operation, [&] {
        return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                   nullptr, 0);
    });
}

PGresult* PgConnection::check_result(PGresult* result, std::string_view operation) const {
    const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    std::string detail;
    if (result != nullptr) {
        const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
        detail = primary != nullptr ? primary : trimmed(PQresultErrorMessage(result));
        if (state != nullptr) detail += std::string(" (SQLSTATE ") + state + ")";
    }
    if (detail.empty()) detail = trimmed(PQerrorMessage(conn_));
    if (detail.empty()) detail = "the server did not answer";
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view code = state != nullptr ? state : "";
    // Connection lost (08), out of resources (53), cancelled, timed out or shut down (57),
    // a lock or an idle transaction timed out (55P03, 25P03), a conflict to retry (40).
    const bool transient = PQstatus(conn_) != CONNECTION_OK || code.starts_with("08") || code.starts_with("53") ||
                           code.starts_with("57") || code.starts_with("40") || code == "55P03" || code == "25P03";
    PQclear(result);
    if (transient) unavailable(operation, detail);
    fail(operation, detail);
}

std::unique_ptr<sql::Cursor> PgConnection::prepare(std::string_view sql, std::string_view operation) {
    auto it = prepared_.find(std::string(sql));
    if (it == prepared_.end()) {
        int parameters = 0;
        const std::string text = to_postgresql_placeholders(sql, &parameters);
        std::string name = "s" + std::to_string(prepared_.size() + 1);
        PQclear(call(operation, [&] { return PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr); }));
        it = prepared_.emplace(std::string(sql), std::make_pair(std::move(name), parameters)).first;
    }
    return std::make_unique<PgCursor>(*this, it->second.first, it->second.second, operation);
}

void PgConnection::exec(const std::string& sql, std::string_view operation) {
    PQclear(call(operation, [&] { return PQsendQuery(conn_, sql.c_str()); }));
}

void PgConnection::begin(sql::TransactionKind kind, std::string_view operation) {
    notify_after_commit_ = false;
    if (kind == sql::TransactionKind::read) {
        // One snapshot for the several statements of a read (a device and its certificates).
        exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", operation);
        return;
    }
    // READ COMMITTED: each statement after the lock sees every write committed before it.
    exec("BEGIN; SELECT revision FROM registry_revision WHERE id = 1 FOR UPDATE", operation);
}

void PgConnection::commit(std::string_view operation) {
    exec("COMMIT", operation);
    if (!notify_after_commit_) return;
    notify_after_commit_ = false;
    // After the commit, not in it: a full notification queue (any LISTENer that never reads
    // can fill it) then costs the other instances half a second of latency, not this write.
    try {
        exec("NOTIFY sekisho_registry", "wake the other instances");
    } catch (const RegistryError&) {
    }
}

void PgConnection::rollback() noexcept {
    notify_after_commit_ = false;
    if (abandoned_ || PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    try {
        exec("ROLLBACK", "roll back");
    } catch (...) { // the connection is then unusable, and the server rolls back as it closes
    }
}

void PgConnection::sequences_follow_rows(std::string_view operation) {
    for (const char* column : {"ledger.seq", "password_history.seq", "certificates.rowid", "incident_notes.seq"}) {
        const std::string c = column;
        const std::string table = c.substr(0, c.find('.')), name = c.substr(c.find('.') + 1);
        exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + name + "'), COALESCE(MAX(" + name +
                 "), 1), MAX(" + name + ") IS NOT NULL) FROM " + table,
             operation);
    }
}

bool PgConnection::usable() const {
    if (abandoned_ || PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    // An idle connection has nothing to read unless the server is closing it (it sends the
    // reason, then EOF, perhaps not yet both): anything there condemns it.
    pollfd p{PQsocket(conn_), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

} // namespace sekisho::store::postgresql
