// The ledger and revision counter that every registry interface (devices and tickets,
// users) shares in one database file: each write transaction appends its ledger rows and
// bumps the revision once.
#pragma once

#include "store/ledger.hpp"
#include "store/sql/connection.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::store::sql {

// Within an open write transaction: one ledger row.
void append_ledger(Connection& db, UnixSeconds at, const std::string& actor, const std::string& action,
                   const std::string& subject, const std::string& reason, const std::string& details);

// Within an open write transaction: the revision bump (call once per transaction).
void bump_revision(Connection& db, std::string_view operation);

std::int64_t read_revision(Connection& db);

// Entries with seq > since_seq, oldest first, at most limit of them.
std::vector<LedgerEntry> read_ledger(Connection& db, std::int64_t since_seq, std::size_t limit);

} // namespace sekisho::store::sql
