// The embedded registry backend: one SQLite file, shared safely by several processes.
#pragma once

#include "store/clock.hpp"
#include "store/device_registry.hpp"

#include <memory>
#include <string>

namespace sekisho::store {

// Opens (creating with mode 0600 and migrating as needed) the registry at path. WAL
// journaling lets the gateway read while sekishoctl writes; writers wait up to 5 s for each
// other. Throws RegistryError naming the path when the file cannot be used.
std::unique_ptr<DeviceRegistry> open_sqlite_registry(const std::string& path, Clock clock = system_clock_now);

} // namespace sekisho::store
