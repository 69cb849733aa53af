// Opening the SQLite backend; only store/registry.cpp (the factory) calls it.
#pragma once

#include "store/registry.hpp"
#include "store/sql/connection.hpp"

#include <memory>
#include <string>

namespace sekisho::store::sqlite {

// The registry in the file at path (created with mode 0600 and migrated as needed). WAL
// journaling lets the gateway read while sekishoctl writes; writers wait up to 5 s for each
// other. Each narrow registry keeps a connection per concurrent caller
// (store/sql/connection_pool.hpp). Throws RegistryError naming the path when the file
// cannot be used.
std::shared_ptr<Registry> open_registry(const std::string& path, Clock clock);

// Creates and migrates the file, reporting the versions before and after.
MigrationReport migrate_registry(const std::string& path);

// One connection to the file, which must exist and be current (for a copy).
std::unique_ptr<sql::Connection> open_connection(const std::string& path);

} // namespace sekisho::store::sqlite
