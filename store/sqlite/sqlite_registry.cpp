#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_ledger.hpp"
#include "store/sqlite/sqlite_registry_impl.hpp"

namespace sekisho::store::sqlite {

SqliteRegistry::SqliteRegistry(const std::string& path, Clock clock) : db_(path), clock_(std::move(clock)) {
    if (!clock_) db_.fail("open", "no clock was given");
    migrate(db_);
}

void SqliteRegistry::append_ledger(UnixSeconds at, const std::string& actor, const std::string& action,
                                   const std::string& subject, const std::string& reason,
                                   const std::string& details) {
    sqlite::append_ledger(db_, at, actor, action, subject, reason, details);
}

void SqliteRegistry::bump_revision(std::string_view operation) {
    sqlite::bump_revision(db_, operation);
}

std::int64_t SqliteRegistry::revision() {
    std::lock_guard lock(mutex_);
    return read_revision(db_);
}

std::vector<LedgerEntry> SqliteRegistry::ledger(std::int64_t since_seq, std::size_t limit) {
    std::lock_guard lock(mutex_);
    return read_ledger(db_, since_seq, limit);
}

} // namespace sekisho::store::sqlite
