// Which terminals the registry admits right now: the fingerprints of the certificates of
// active devices, each with its device's facility in the registry. Read on every handshake (any thread); replaced as a whole when the
// registry changes, so a suspension or revocation bites without a restart.
#pragma once

#include "store/registry.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace sekisho::gateway {

class DeviceAdmission {
public:
    DeviceAdmission(); // admits nobody until the first load

    using Facilities = std::unordered_map<std::string, std::string>; // fingerprint -> facility
    using Fingerprints = std::unordered_set<std::string>;

    bool admits(std::string_view fingerprint) const;
    // The registry's facility of an admitted certificate; nullopt when it is not admitted.
    std::optional<std::string> facility_of(std::string_view fingerprint) const;
    // Whether the certificate's device was enrolled with a temporary credential.
    bool is_temporary(std::string_view fingerprint) const;
    std::size_t size() const { return active_.load()->size(); }
    // temporary: the certificates of temporary devices, admitted or not (published to
    // temporary_devices.hpp, so that every event about them is marked).
    void replace(Facilities admitted, Fingerprints temporary = {});
    // The registry has been unreadable for longer than registry.max_staleness: nobody is
    // admitted, and refusals say registry_unavailable rather than not_registered. Lifted by
    // the next replace().
    void refuse_all_unavailable();
    bool available() const { return available_.load(); }
    // A certificate this instance has just issued and recorded in the registry: admitted at
    // the terminal's very next handshake, not one registry poll later (a copy of the set:
    // enrollments are rare, handshakes are not).
    void admit(std::string fingerprint, std::string facility, bool temporary = false);

private:
    std::atomic<std::shared_ptr<const Facilities>> active_;
    std::atomic<std::shared_ptr<const Fingerprints>> temporary_;
    std::atomic<bool> available_{true};
    std::mutex writers_; // replace and admit: neither may lose the other's change
};

// Keeps a DeviceAdmission in step with the registry by polling its revision counter.
// Runs on the control thread only: the registry is never read by an I/O thread.
class RegistryWatch {
public:
    using Clock = std::chrono::steady_clock;

    // Loads the admitted set from registry (which must outlive the watch); throws naming
    // the database on failure.
    RegistryWatch(store::Registry& registry, DeviceAdmission& admission, std::chrono::seconds max_staleness);

    // Reloads when the registry changed since the last call. Returns true when the admitted
    // set changed. A registry that cannot be read keeps the last complete view for
    // max_staleness (a database failover must not lock every terminal out), then fails
    // closed: nobody is admitted until it reads again.
    bool poll(Clock::time_point now = Clock::now());
    // False while the registry cannot be read.
    bool healthy() const { return !failed_.load(); } // any thread
    // True once it has been unreadable for longer than max_staleness (nobody admitted).
    bool stale() const { return stale_.load(); } // any thread
    void set_max_staleness(std::chrono::seconds max_staleness) { max_staleness_.store(max_staleness); } // a reload

private:
    void load();

    store::Registry& registry_;
    DeviceAdmission& admission_;
    std::atomic<std::chrono::seconds> max_staleness_;
    std::int64_t revision_ = -1;
    Clock::time_point failed_since_{};
    std::atomic<bool> failed_{false};
    std::atomic<bool> stale_{false};
};

} // namespace sekisho::gateway
