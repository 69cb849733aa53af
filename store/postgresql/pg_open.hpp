// Opening the PostgreSQL backend; only store/registry.cpp (the factory) calls it.
#pragma once

#include "store/registry.hpp"
#include "store/sql/connection.hpp"

#include <memory>
#include <string>

namespace sekisho::config {
struct PostgresqlConfig;
}

namespace sekisho::store::postgresql {

// The registry in the database config names, whose schema must be current
// (pg_schema.hpp). Each narrow registry keeps up to pool_size idle connections; a broken one
// is dropped and the next call connects again, so the registry recovers by itself when the
// server returns. Throws RegistryError naming the server (never the password).
std::shared_ptr<Registry> open_registry(const config::PostgresqlConfig& config, Clock clock);

// `sekishoctl store migrate`: brings the schema up to date and optionally grants grant_to
// what a gateway needs.
MigrationReport migrate_registry(const config::PostgresqlConfig& config, const std::string& grant_to);

// One connection to a database whose schema is current (for a copy).
std::unique_ptr<sql::Connection> open_connection(const config::PostgresqlConfig& config);

} // namespace sekisho::store::postgresql
