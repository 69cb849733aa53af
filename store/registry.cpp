// The one place that chooses a backend: nothing else includes store/sqlite/ or
// store/postgresql/ to open one.
#include "store/registry.hpp"

#include "config/config.hpp"
#include "store/postgresql/pg_open.hpp"
#include "store/sql/copy.hpp"
#include "store/sqlite/sqlite_open.hpp"

namespace sekisho::store {

namespace {

void require_one(const config::RegistryConfig& config) {
    if (!config.configured()) throw RegistryError("registry: none is configured (registry.sqlite or registry.postgresql)");
    if (!config.sqlite.empty() && config.postgresql)
        throw RegistryError("registry: both registry.sqlite and registry.postgresql are set; choose one");
}

// One connection, for a copy: the source must be current, the target is migrated first.
std::unique_ptr<sql::Connection> connect(const config::RegistryConfig& config, bool migrate) {
    require_one(config);
    if (migrate) migrate_registry(config);
    if (config.postgresql) return postgresql::open_connection(*config.postgresql);
    return sqlite::open_connection(config.sqlite);
}

} // namespace

std::shared_ptr<Registry> open_registry(const config::RegistryConfig& config, Clock clock) {
    require_one(config);
    if (config.postgresql) return postgresql::open_registry(*config.postgresql, std::move(clock));
    return sqlite::open_registry(config.sqlite, std::move(clock));
}

MigrationReport migrate_registry(const config::RegistryConfig& config, const std::string& grant_to) {
    require_one(config);
    if (config.postgresql) return postgresql::migrate_registry(*config.postgresql, grant_to);
    if (!grant_to.empty())
        throw RegistryError("registry " + config.sqlite + ": --grant applies to a PostgreSQL registry only "
                            "(a SQLite file's access is its file mode)");
    return sqlite::migrate_registry(config.sqlite);
}

CopyReport copy_registry(const config::RegistryConfig& from, const config::RegistryConfig& to) {
    auto source = connect(from, false);
    auto target = connect(to, true);
    if (source->location() == target->location())
        throw RegistryError("registry " + source->location() + ": cannot copy a registry onto itself");
    const sql::CopyCounts counts = sql::copy_registry(*source, *target);
    return {source->location(), target->location(), counts.rows, counts.last_ledger_seq, counts.revision};
}

} // namespace sekisho::store
