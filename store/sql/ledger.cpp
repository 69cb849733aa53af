#include "store/sql/ledger.hpp"

#include <limits>

namespace sekisho::store::sql {

void append_ledger(Connection& db, UnixSeconds at, const std::string& actor, const std::string& action,
                   const std::string& subject, const std::string& reason, const std::string& details) {
    Statement insert(db,
                     "INSERT INTO ledger (at, actor, action, subject, reason, details) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     "append " + action + " for " + subject + " to the ledger");
    insert.bind(1, at).bind(2, actor).bind(3, action).bind(4, subject).bind(5, reason);
    insert.bind(6, details);
    insert.run();
}

void bump_revision(Connection& db, std::string_view operation) {
    Statement update(db, "UPDATE registry_revision SET revision = revision + 1 WHERE id = 1", operation);
    update.run();
    if (update.changes() != 1) db.fail(operation, "the registry_revision row is missing");
    db.changed();
}

std::int64_t read_revision(Connection& db) {
    Statement query(db, "SELECT revision FROM registry_revision WHERE id = 1", "read the revision");
    if (!query.step()) db.fail("read the revision", "the registry_revision row is missing");
    return query.integer(0);
}

std::vector<LedgerEntry> read_ledger(Connection& db, std::int64_t since_seq, std::size_t limit) {
    constexpr std::string_view kOperation = "read the ledger";
    Statement query(db,
                    "SELECT seq, at, actor, action, subject, reason, details FROM ledger "
                    "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                    kOperation);
    auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    query.bind(1, since_seq).bind(2, static_cast<std::int64_t>(limit < max ? limit : max));
    std::vector<LedgerEntry> entries;
    while (query.step()) {
        entries.push_back({query.integer(0), query.integer(1), query.text(2), query.text(3), query.text(4),
                           query.text(5), query.text(6)});
    }
    return entries;
}

} // namespace sekisho::store::sql
