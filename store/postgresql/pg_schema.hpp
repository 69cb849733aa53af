// The registry's tables in PostgreSQL and the versioned migrations that create and update
// them. Unlike a SQLite file, a shared database is not migrated by whichever gateway opens it
// first: an operator runs `sekishoctl store migrate` (as the database's owner, optionally
// granting a less privileged role to the gateways), and a gateway refuses a schema older or
// newer than the one it knows.
#pragma once

#include "store/postgresql/pg_connection.hpp"

#include <string>

namespace sekisho::store::postgresql {

// The schema version this build writes.
int current_schema_version();

// The database's version; 0 for a database without the registry's tables.
int schema_version(PgConnection& db);

// Throws RegistryError unless the database is at current_schema_version(), naming the command
// that fixes it.
void require_current_schema(PgConnection& db);

struct MigrationResult {
    int from = 0;
    int to = 0;
};

// Applies every migration newer than the database's version, each in its own transaction,
// under a lock that makes a second migrator wait. With grant_to, that role gets what a
// gateway needs and no more: rows of every table, but only SELECT and INSERT on the ledger.
MigrationResult migrate(PgConnection& db, const std::string& grant_to);

} // namespace sekisho::store::postgresql
