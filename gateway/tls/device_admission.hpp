// Which terminals the registry admits right now: the fingerprints of the certificates of
// active devices, each with its device's facility in the registry. Read on every handshake (any thread); replaced as a whole when the
// registry changes, so a suspension or revocation bites without a restart.
#pragma once

#include "store/registry.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <optional>
#include <unordered_map>

namespace sekisho::gateway {

class DeviceAdmission {
public:
    DeviceAdmission(); // admits nobody until the first load

    using Facilities = std::unordered_map<std::string, std::string>; // fingerprint -> facility

    bool admits(std::string_view fingerprint) const;
    // The registry's facility of an admitted certificate; nullopt when it is not admitted.
    std::optional<std::string> facility_of(std::string_view fingerprint) const;
    std::size_t size() const { return active_.load()->size(); }
    void replace(Facilities admitted);
    // A certificate this instance has just issued and recorded in the registry: admitted at
    // the terminal's very next handshake, not one registry poll later (a copy of the set:
    // enrollments are rare, handshakes are not).
    void admit(std::string fingerprint, std::string facility);

private:
    std::atomic<std::shared_ptr<const Facilities>> active_;
    std::mutex writers_; // replace and admit: neither may lose the other's change
};

// Keeps a DeviceAdmission in step with the registry by polling its revision counter.
// Runs on the control thread only: SQLite is never touched by an I/O thread.
class RegistryWatch {
public:
    // Loads the admitted set from registry (which must outlive the watch); throws naming
    // the database on failure.
    RegistryWatch(store::Registry& registry, DeviceAdmission& admission);

    // Reloads when the registry changed since the last call. Returns true when it did.
    // A registry that cannot be read fails closed: nobody is admitted until it reads again.
    bool poll();
    // False while the registry cannot be read (nobody is admitted meanwhile).
    bool healthy() const { return !failed_.load(); } // any thread

private:
    void load();

    store::Registry& registry_;
    DeviceAdmission& admission_;
    std::int64_t revision_ = -1;
    std::atomic<bool> failed_{false};
};

} // namespace sekisho::gateway
