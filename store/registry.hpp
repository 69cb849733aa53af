// The registry as one handle: the narrow interfaces over one store, opened once — by the
// gateway at start, by sekishoctl once per command — through open_registry(), the only code
// that names a backend (SQLite in store/sqlite/, PostgreSQL in store/postgresql/).
#pragma once

#include "store/break_glass.hpp"
#include "store/clock.hpp"
#include "store/device_registry.hpp"
#include "store/incidents.hpp"
#include "store/ledger.hpp"
#include "store/login_records.hpp"
#include "store/ticket_registry.hpp"
#include "store/user_registry.hpp"

#include <functional>
#include <memory>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::config {
struct RegistryConfig;
}

namespace sekisho::store {

// A subscription to other processes' changes of the registry; they stop when it is destroyed.
class ChangeSignal {
public:
    virtual ~ChangeSignal() = default;
};

// What it hands out lives as long as the Registry and may be called from several threads at
// once: concurrency is the backend's business, not the caller's. A caller keeps only the
// narrow interfaces it uses (the ledger copy a Ledger&, logins a UserRegistry& and a
// LoginRecords&), so what each part of the gateway may change shows in its constructor.
class Registry {
public:
    virtual ~Registry() = default;

    // Devices, their certificates and the revision counter.
    virtual DeviceRegistry& devices() = 0;
    // Enrollment tickets.
    virtual TicketRegistry& tickets() = 0;
    // The append-only record of every change made through the others.
    virtual Ledger& ledger() = 0;
    // Users, their passwords and status; the same revision.
    virtual UserRegistry& users() = 0;
    // Login outcomes and lockout.
    virtual LoginRecords& logins() = 0;
    // Emergency accounts and their periods.
    virtual BreakGlass& break_glass() = 0;
    // Incident records: notes and linked alerts on a timeline (sekishoctl incident).
    virtual Incidents& incidents() = 0;
    // Where the registry is (the SQLite file's path, or postgresql://user@host:port/db: never
    // a password), for operators' messages and log fields.
    virtual const std::string& location() const = 0;

    // Calls wake, on a thread of its own, soon after any instance or sekishoctl commits a
    // change (PostgreSQL: LISTEN/NOTIFY; wake also comes after each reconnection, for what a
    // broken connection missed). Only a hint to poll revision() now: a lost one costs latency,
    // nothing else. nullptr where the backend has no such signal (SQLite: polling finds it).
    virtual std::unique_ptr<ChangeSignal> signal_changes(std::function<void()> wake) = 0;
};

// Opens the registry config names: a SQLite file is created and migrated as needed; a
// PostgreSQL database must have been migrated (migrate_registry). Throws RegistryError naming
// it when it cannot be used, or when config names none.
std::shared_ptr<Registry> open_registry(const config::RegistryConfig& config, Clock clock = system_clock_now);

struct MigrationReport {
    std::string location;
    int from = 0; // schema version before; 0 = an empty registry
    int to = 0;
};

// `sekishoctl store migrate`: brings the registry's schema up to this build's version. For
// PostgreSQL, grant_to (optional) names the role the gateways connect as, which then gets
// what they need and no more (no UPDATE or DELETE on the ledger); SQLite refuses it.
MigrationReport migrate_registry(const config::RegistryConfig& config, const std::string& grant_to = {});

struct CopyReport {
    std::string from, to;                                   // locations
    std::vector<std::pair<std::string, std::int64_t>> rows; // table, rows copied
    std::int64_t last_ledger_seq = 0;
    std::int64_t revision = 0;
};

// `sekishoctl store copy`: every row of the registry `from` (users with their hashes and
// histories, devices, certificates, tickets, the ledger with its sequence) into `to`, which
// is migrated first and must hold no row; then the copy is verified (row counts, every ledger
// entry). All or nothing: a failure leaves `to` as it was.
CopyReport copy_registry(const config::RegistryConfig& from, const config::RegistryConfig& to);

// A registry as a backup holds it: one SQLite file (whatever the backend), checked.
struct SnapshotSummary {
    std::string location;                                   // the file, or the registry it came from
    int schema_version = 0;
    std::vector<std::pair<std::string, std::int64_t>> rows; // every table, by name
    std::int64_t last_ledger_seq = 0;
    std::int64_t revision = 0;
};

// `sekishoctl backup create`: the registry config names, as of one instant, into the new
// SQLite file `file` (refused if it exists), while gateways keep writing. SQLite: the online
// backup API on the live file. PostgreSQL: every row read in one REPEATABLE READ, READ ONLY
// transaction (copy_registry's export) into a new SQLite file of this build's schema. The
// result is then inspected (inspect_snapshot) and its summary returned.
SnapshotSummary snapshot_registry(const config::RegistryConfig& config, const std::string& file);

// `backup verify`: opens the snapshot read-only without changing it, runs SQLite's
// integrity and foreign-key checks and counts every table. Throws RegistryError naming the
// file and the problem.
SnapshotSummary inspect_snapshot(const std::string& file);

// `backup restore`: the snapshot into `to`, which must be new: a SQLite path where no file
// is (the file is copied, then inspected), or a PostgreSQL database without rows (migrated,
// then every row copied and verified as copy_registry does). The snapshot itself is never
// changed: a PostgreSQL restore reads a temporary copy of it.
CopyReport restore_registry(const std::string& snapshot, const config::RegistryConfig& to);

} // namespace sekisho::store
