#include "store/postgresql/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <optional>

namespace sekisho::store::postgresql {

namespace {

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

class PgCursor final : public sql::Cursor {
public:
    PgCursor(const PgConnection& db, std::string name, int parameters, std::string_view operation)
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
        result_ = db_.check_result(PQexecPrepared(db_.handle(), name_.c_str(), static_cast<int>(values.size()),
                                                  values.data(), nullptr, nullptr, 0),
                                   operation_);
    }

    const PgConnection& db_;
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

PgConnection::PgConnection(const ConnectionSettings& settings) : sql::Connection(settings.location) {
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (const auto& [k, v] : settings.parameters) {
        keywords.push_back(k.c_str());
        values.push_back(v.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keywords.data(), values.data(), 1);
    if (conn_ == nullptr) fail("connect", "out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string detail = trimmed(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        fail("connect", detail);
    }
    // The server's notices (a FATAL before it drops us) would go to stderr; errors reach the
    // caller through results, and the log through them.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() {
    PQfinish(conn_);
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
    PQclear(result);
    fail(operation, detail);
}

std::unique_ptr<sql::Cursor> PgConnection::prepare(std::string_view sql, std::string_view operation) {
    auto it = prepared_.find(std::string(sql));
    if (it == prepared_.end()) {
        int parameters = 0;
        const std::string text = to_postgresql_placeholders(sql, &parameters);
        std::string name = "s" + std::to_string(prepared_.size() + 1);
        PQclear(check_result(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr), operation));
        it = prepared_.emplace(std::string(sql), std::make_pair(std::move(name), parameters)).first;
    }
    return std::make_unique<PgCursor>(*this, it->second.first, it->second.second, operation);
}

void PgConnection::exec(const std::string& sql, std::string_view operation) {
    PQclear(check_result(PQexec(conn_, sql.c_str()), operation));
}

void PgConnection::begin(sql::TransactionKind kind, std::string_view operation) {
    if (kind == sql::TransactionKind::read) {
        // One snapshot for the several statements of a read (a device and its certificates).
        exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", operation);
        return;
    }
    // READ COMMITTED: each statement after the lock sees every write committed before it.
    exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockKey) + ")", operation);
}

void PgConnection::commit(std::string_view operation) {
    exec("COMMIT", operation);
}

void PgConnection::rollback() noexcept {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
    PQclear(PQexec(conn_, "ROLLBACK"));
}

void PgConnection::sequences_follow_rows(std::string_view operation) {
    for (const char* column : {"ledger.seq", "password_history.seq", "certificates.rowid"}) {
        const std::string c = column;
        const std::string table = c.substr(0, c.find('.')), name = c.substr(c.find('.') + 1);
        exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" + name + "'), COALESCE(MAX(" + name +
                 "), 1), MAX(" + name + ") IS NOT NULL) FROM " + table,
             operation);
    }
}

bool PgConnection::usable() const {
    if (PQstatus(conn_) != CONNECTION_OK || PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    // An idle connection has nothing to read unless the server is closing it (it sends the
    // reason, then EOF, perhaps not yet both): anything there condemns it.
    pollfd p{PQsocket(conn_), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

} // namespace sekisho::store::postgresql
