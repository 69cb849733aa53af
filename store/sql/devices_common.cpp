#include "store/sql/ledger.hpp"
#include "store/sql/devices_impl.hpp"

namespace sekisho::store::sql {

SqlDevices::SqlDevices(std::unique_ptr<Connection> connection, Clock clock)
    : connection_(std::move(connection)), db_(*connection_), clock_(std::move(clock)) {
    if (!clock_) db_.fail("open", "no clock was given");
}

void SqlDevices::append_ledger(UnixSeconds at, const std::string& actor, const std::string& action,
                                   const std::string& subject, const std::string& reason,
                                   const std::string& details) {
    sql::append_ledger(db_, at, actor, action, subject, reason, details);
}

void SqlDevices::bump_revision(std::string_view operation) {
    sql::bump_revision(db_, operation);
}

std::int64_t SqlDevices::revision() {
    return read_revision(db_);
}

std::vector<LedgerEntry> SqlDevices::ledger(std::int64_t since_seq, std::size_t limit) {
    return read_ledger(db_, since_seq, limit);
}

} // namespace sekisho::store::sql
