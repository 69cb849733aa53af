// What the operations dashboard shows from the registry — accounts locked now and active
// terminals whose certificate runs out soon — as a snapshot refreshed by the control
// thread (SQLite never runs on an I/O thread) and read by the admin listener.
#pragma once

#include "store/device_registry.hpp"
#include "store/user_registry.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sekisho::gateway {

struct LockedAccount {
    std::string user, facility;
    store::UnixSeconds locked_until = 0;
    int failures_since_success = 0;
};

struct ExpiringTerminal {
    std::string device_id, name, facility, serial;
    store::UnixSeconds not_after = 0; // of the device's longest-lived unrevoked certificate
};

struct RegistrySnapshot {
    std::chrono::system_clock::time_point taken;
    std::string error;                   // set when the last refresh failed (the lists are older)
    std::vector<LockedAccount> locked;   // locked_until after `taken`, by user id
    std::vector<ExpiringTerminal> expiring; // soonest first, at most kMostExpiringListed
    bool expiring_truncated = false;        // more run out soon than are listed
};

// Certificates that run out within this horizon are "soon".
inline constexpr std::chrono::seconds kExpiryHorizon{30 * 24 * 3600};

// The page lists the soonest of them: at a fleet's size a month's expiries are thousands, and
// `sekishoctl device list` has them all.
inline constexpr std::size_t kMostExpiringListed = 200;

class RegistrySnapshotSource {
public:
    // Takes the first snapshot of users and devices, which must outlive the source.
    RegistrySnapshotSource(store::UserRegistry& users, store::DeviceRegistry& devices);
    ~RegistrySnapshotSource();

    // Control thread. A failing read keeps the previous lists and records the error.
    void refresh();
    // Any thread.
    std::shared_ptr<const RegistrySnapshot> current() const;

private:
    store::UserRegistry& users_;
    store::DeviceRegistry& devices_;
    mutable std::mutex mutex_;
    std::shared_ptr<const RegistrySnapshot> current_;
};

} // namespace sekisho::gateway
