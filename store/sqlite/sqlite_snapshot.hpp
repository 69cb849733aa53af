// The registry file as a backup holds it (sekishoctl backup): a consistent copy of a live
// file, made with SQLite's online backup API while gateways keep writing, and kept as one
// self-contained file (rollback journal, no -wal beside it) that can be checked read-only
// without changing a byte of it. Only the factory (store/registry.cpp) calls these.
#pragma once

#include "store/registry.hpp"

#include <string>

namespace sekisho::store::sqlite {

// Copies the registry file `source` (which must exist) into the new file `dest` (created with
// mode 0600; refused if it exists) in one step of sqlite3_backup, under one read transaction
// of the source: writers keep going (WAL), the copy is the state of one instant.
void snapshot_file(const std::string& source, const std::string& dest);

// Turns a file written through a normal connection (WAL) into the self-contained form.
void make_self_contained(const std::string& path);

// Opens path read-only and immutable, runs PRAGMA integrity_check and foreign_key_check, and
// counts the rows of every table. Throws RegistryError naming the file and the first problem.
SnapshotSummary inspect_file(const std::string& path);

} // namespace sekisho::store::sqlite
