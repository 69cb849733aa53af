// The registry's tables, and the migrations that bring any older file up to date.
#pragma once

#include "store/sqlite/sqlite_db.hpp"

namespace sekisho::store::sqlite {

// Applies every migration newer than the file's PRAGMA user_version, each in its own write
// transaction. Refuses a file written by a newer Sekisho (user_version beyond ours).
void migrate(Database& db);

// The file's PRAGMA user_version (0 for a new file).
int schema_version(Database& db);

// The schema version this build writes.
int current_schema_version();

} // namespace sekisho::store::sqlite
