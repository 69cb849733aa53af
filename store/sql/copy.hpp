// Moving an installation: every row of one registry into an empty other (SQLite → PostgreSQL,
// or back), then a check that the copy is whole. Only the factory (store/registry.cpp) calls it.
#pragma once

#include "store/sql/connection.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::store::sql {

struct CopyCounts {
    std::vector<std::pair<std::string, std::int64_t>> rows; // table, rows copied
    std::int64_t last_ledger_seq = 0;
    std::int64_t revision = 0;
};

// Copies in one transaction of the target (all or nothing), from one snapshot of the source;
// refuses a target that holds any row. Then compares row counts and every ledger entry (its
// seq, time, actor, action, subject, reason and details) between the two, and throws
// RegistryError naming the first difference.
CopyCounts copy_registry(Connection& from, Connection& to);

} // namespace sekisho::store::sql
