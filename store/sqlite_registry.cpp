#include "store/sqlite_registry.hpp"

#include "store/schema.hpp"
#include "store/sqlite_registry_impl.hpp"

#include <chrono>
#include <limits>

namespace sekisho::store {

UnixSeconds system_clock_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::unique_ptr<DeviceRegistry> open_sqlite_registry(const std::string& path, Clock clock) {
    return std::make_unique<sqlite::SqliteRegistry>(path, std::move(clock));
}

namespace sqlite {

SqliteRegistry::SqliteRegistry(const std::string& path, Clock clock) : db_(path), clock_(std::move(clock)) {
    if (!clock_) db_.fail("open", "no clock was given");
    migrate(db_);
}

void SqliteRegistry::append_ledger(UnixSeconds at, const std::string& actor, const std::string& action,
                                   const std::string& subject, const std::string& reason,
                                   const std::string& details) {
    Statement insert(db_,
                     "INSERT INTO ledger (at, actor, action, subject, reason, details) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     "append " + action + " for " + subject + " to the ledger");
    insert.bind(1, at).bind(2, actor).bind(3, action).bind(4, subject).bind(5, reason);
    insert.bind(6, details);
    insert.run();
}

void SqliteRegistry::bump_revision(std::string_view operation) {
    Statement update(db_, "UPDATE registry_revision SET revision = revision + 1 WHERE id = 1", operation);
    update.run();
    if (update.changes() != 1) db_.fail(operation, "the registry_revision row is missing");
}

std::int64_t SqliteRegistry::revision() {
    std::lock_guard lock(mutex_);
    Statement query(db_, "SELECT revision FROM registry_revision WHERE id = 1", "read the revision");
    if (!query.step()) db_.fail("read the revision", "the registry_revision row is missing");
    return query.integer(0);
}

std::vector<LedgerEntry> SqliteRegistry::ledger(std::int64_t since_seq, std::size_t limit) {
    std::lock_guard lock(mutex_);
    constexpr std::string_view kOperation = "read the ledger";
    Statement query(db_,
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

} // namespace sqlite
} // namespace sekisho::store
