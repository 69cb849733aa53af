// The one Registry over SQL that every SQL backend hands out: a driver gives a way to open
// connections, this gives the narrow registries over them. Only backends include it.
#pragma once

#include "store/registry.hpp"
#include "store/sql/connection.hpp"

#include <functional>
#include <memory>
#include <string>

namespace sekisho::store::sql {

// Opens one more connection to a registry whose schema is up to date; throws RegistryError.
using OpenConnection = std::function<std::unique_ptr<Connection>()>;

// The narrow registries keep a connection per concurrent caller (connection_pool.hpp) in two
// pools — devices, tickets and the ledger; users, logins and break-glass — at most max_idle
// of them idle in each, each opening its first at once so that a registry that cannot be
// used fails here.
// signal (optional) is what Registry::signal_changes() gives.
using SignalChanges = std::function<std::unique_ptr<ChangeSignal>(std::function<void()>)>;
std::shared_ptr<Registry> open_pooled_registry(std::string location, OpenConnection open, Clock clock,
                                               std::size_t max_idle = 8, SignalChanges signal = {});

} // namespace sekisho::store::sql
