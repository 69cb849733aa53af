#include "store/sql/copy.hpp"

#include <array>

namespace sekisho::store::sql {

namespace {

struct Table {
    const char* name;
    const char* columns;
    const char* order; // the order of recording, which identity columns must keep
};

// Parents before children (foreign keys), the schema's columns in both backends.
constexpr std::array<Table, 10> kTables = {{
    {"devices", "id, facility, name, status, status_since, created_at, created_by, updated_at, updated_by, last_seen_at, is_temporary",
     "id"},
    {"certificates",
     "serial_hex, fingerprint_sha256, device_id, not_before, not_after, issued_at, issuer, status_reason, revoked_at, "
     "superseded_from",
     "rowid"},
    {"tickets",
     "id, facility, device_name, created_by, created_at, expires_at, max_uses, uses, failed_attempts, locked, "
     "device_id, code_salt_hex, code_hash_hex, temporary_validity",
     "id"},
    {"users",
     "id, display_name, facility, roles, status, password_hash, must_change, last_login_at, last_login_from, "
     "failed_since_success, last_failed_at, locked_until, break_glass, break_glass_until, created_at, created_by, "
     "updated_at, updated_by, session_epoch",
     "id"},
    {"password_history", "seq, user_id, password_hash, set_at", "seq"},
    {"login_failures", "user_id, at", "user_id, at"},
    {"ledger", "seq, at, actor, action, subject, reason, details", "seq"},
    {"incidents", "id, title, facility, severity, opened_at, opened_by, closed_at, closed_by, resolution", "id"},
    {"incident_notes", "seq, incident_id, at, actor, text", "seq"},
    {"incident_alerts",
     "incident_id, audit_seq, record_sha256, fired_at, rule, facilities, summary, linked_at, linked_by",
     "incident_id, audit_seq"},
}};

int column_count(const char* columns) {
    int n = 1;
    for (const char* p = columns; *p != '\0'; ++p) n += *p == ',' ? 1 : 0;
    return n;
}

std::string placeholders(int n) {
    std::string text;
    for (int i = 1; i <= n; ++i) text += (i > 1 ? ", ?" : "?") + std::to_string(i);
    return text;
}

std::int64_t count_rows(Connection& db, const char* table) {
    Statement count(db, std::string("SELECT COUNT(*) FROM ") + table, std::string("count ") + table);
    count.step();
    return count.integer(0);
}

std::int64_t read_revision(Connection& db) {
    Statement query(db, "SELECT revision FROM registry_revision WHERE id = 1", "read the revision");
    if (!query.step()) db.fail("read the revision", "the registry_revision row is missing");
    return query.integer(0);
}

void verify_ledger(Connection& from, Connection& to) {
    constexpr std::string_view kOperation = "verify the copied ledger";
    const std::string select = std::string("SELECT ") + kTables[6].columns + " FROM ledger ORDER BY seq";
    Statement a(from, select, kOperation);
    Statement b(to, select, kOperation);
    std::int64_t previous = 0;
    for (;;) {
        const bool more_a = a.step();
        const bool more_b = b.step();
        if (more_a != more_b) to.fail(kOperation, "the copy has " + std::string(more_b ? "more" : "fewer") + " entries");
        if (!more_a) return;
        const std::int64_t seq = a.integer(0);
        if (seq <= previous) from.fail(kOperation, "the source's ledger is out of order at seq " + std::to_string(seq));
        previous = seq;
        for (int c = 0; c < 7; ++c)
            if (a.text(c) != b.text(c))
                to.fail(kOperation, "entry " + std::to_string(seq) + " differs from the source's");
    }
}

} // namespace

CopyCounts copy_registry(Connection& from, Connection& to) {
    CopyCounts counts;
    {
        Transaction target(to, TransactionKind::write, "copy the registry");
        for (const Table& table : kTables)
            if (count_rows(to, table.name) != 0)
                to.fail("copy the registry", std::string("the target is not empty (") + table.name +
                                                 " has rows): copy only into a new registry");
        Transaction source(from, TransactionKind::read, "read the registry to copy");
        for (const Table& table : kTables) {
            const int n = column_count(table.columns);
            const std::string operation = std::string("copy ") + table.name;
            Statement read(from, std::string("SELECT ") + table.columns + " FROM " + table.name + " ORDER BY " + table.order,
                           operation);
            std::int64_t rows = 0;
            while (read.step()) {
                Statement write(to, std::string("INSERT INTO ") + table.name + " (" + table.columns + ") VALUES (" +
                                        placeholders(n) + ")",
                                operation);
                for (int c = 0; c < n; ++c) write.bind_nullable(c + 1, read.optional_text(c));
                write.run();
                ++rows;
            }
            counts.rows.emplace_back(table.name, rows);
        }
        counts.revision = read_revision(from);
        Statement revision(to, "UPDATE registry_revision SET revision = ?1 WHERE id = 1", "copy the revision");
        revision.bind(1, counts.revision).run();
        to.sequences_follow_rows("copy the registry");
        source.commit();
        target.commit();
    }
    for (const auto& [table, rows] : counts.rows)
        if (count_rows(to, table.c_str()) != rows || count_rows(from, table.c_str()) != rows)
            to.fail("verify the copy", table + " has a different number of rows in the copy (the source changed "
                                               "while copying?)");
    verify_ledger(from, to);
    Statement last(to, "SELECT COALESCE(MAX(seq), 0) FROM ledger", "verify the copy");
    last.step();
    counts.last_ledger_seq = last.integer(0);
    return counts;
}

} // namespace sekisho::store::sql
