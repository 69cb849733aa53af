// The one place that chooses a backend: nothing else includes store/sqlite/ to open it.
#include "store/registry.hpp"

#include "config/config.hpp"
#include "store/sqlite/sqlite_open.hpp"

namespace sekisho::store {

std::shared_ptr<Registry> open_registry(const config::RegistryConfig& config, Clock clock) {
    if (config.sqlite.empty()) throw RegistryError("registry: none is configured (registry.sqlite)");
    return sqlite::open_registry(config.sqlite, std::move(clock));
}

} // namespace sekisho::store
