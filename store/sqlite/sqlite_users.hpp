// The embedded user registry: the users tables of the registry's SQLite file, next to the
// devices, with the same ledger and revision counter.
#pragma once

#include "store/sqlite/sqlite_registry.hpp"
#include "store/user_registry.hpp"

#include <memory>
#include <string>

namespace sekisho::store {

// Opens (creating and migrating as needed) the registry file at path, which may also be open
// through open_sqlite_registry(). Throws RegistryError naming the path when it cannot be used.
std::unique_ptr<UserRegistry> open_sqlite_users(const std::string& path, Clock clock = system_clock_now);

} // namespace sekisho::store
