// Which terminals the registry admits right now: the certificates of active devices, each
// with its device's facility in the registry (device_view.hpp). Read on every handshake (any
// thread); built once at start, then changed in place as the registry changes, so a
// suspension or revocation bites without a restart and without reloading the registry.
#pragma once

#include "gateway/tls/device_view.hpp"
#include "store/registry.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <optional>
#include <unordered_set>
#include <vector>

namespace sekisho::gateway {

class DeviceAdmission {
public:
    DeviceAdmission(); // admits nobody until the first load

    using Fingerprints = std::unordered_set<std::string>;

    bool admits(std::string_view fingerprint) const;
    // The registry's facility of an admitted certificate; nullopt when it is not admitted.
    std::optional<std::string> facility_of(std::string_view fingerprint) const;
    // Whether the certificate's device was enrolled with a temporary credential.
    bool is_temporary(std::string_view fingerprint) const;
    std::size_t size() const { return view_.load()->size(); }
    std::size_t memory_bytes() const { return view_.load()->memory_bytes(); }
    // A view built afresh (sealed). temporary: the certificates of temporary devices, admitted
    // or not (published to temporary_devices.hpp, so that every event about them is marked).
    void replace(std::shared_ptr<DeviceView> admitted, Fingerprints temporary = {});
    // The registry's word on the certificates of the devices that changed; returns how many
    // entries of the view changed.
    std::size_t apply(const std::vector<store::CertificateState>& changes);
    // The registry has been unreadable for longer than registry.max_staleness: nobody is
    // admitted, and refusals say registry_unavailable rather than not_registered. Lifted by
    // the next replace().
    void refuse_all_unavailable();
    bool available() const { return available_.load(); }
    // A certificate this instance has just issued and recorded in the registry: admitted at
    // the terminal's very next handshake, not one registry poll later. It is checked against
    // the registry once more at the next poll (RegistryWatch): a revocation committed between
    // the registration and this call must not be undone by it.
    void admit(const std::string& fingerprint, const std::string& facility, store::UnixSeconds not_after,
               bool temporary = false);
    // The fingerprints admit() added since the last call, for the watch to check.
    std::vector<std::string> take_admitted();
    bool has_admitted() const;
    void return_admitted(std::vector<std::string> fingerprints); // not checked after all

private:
    void mark_temporary(const std::vector<std::string>& fingerprints); // holding writers_

    std::atomic<std::shared_ptr<DeviceView>> view_;
    std::atomic<std::shared_ptr<const Fingerprints>> temporary_;
    std::atomic<bool> available_{true};
    mutable std::mutex writers_; // replace, apply and admit: none may lose another's change
    std::vector<std::string> admitted_; // by admit(), not yet checked by the watch (writers_)
};

// Keeps a DeviceAdmission in step with the registry by polling its revision counter.
// Runs on the control thread only: the registry is never read by an I/O thread.
class RegistryWatch {
public:
    using Clock = std::chrono::steady_clock;

    // Loads the admitted set from registry (which must outlive the watch); throws naming
    // the database on failure.
    RegistryWatch(store::Registry& registry, DeviceAdmission& admission, std::chrono::seconds max_staleness);

    // Reads what changed when the registry changed since the last call: the certificates of
    // the devices changed since the ledger position it last read (every certificate after a
    // failure that emptied the view, or when the registry went back to an earlier state).
    // Returns true when the admitted set changed. A registry that cannot be read keeps the
    // last complete view for
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
    // What admit() added, looked up in the registry now.
    void check_admitted();

    store::LedgerPosition through_; // the ledger position the view reflects; empty: read everything
    store::CertificateScan last_scan_;
    Clock::time_point failed_since_{};
    std::atomic<bool> failed_{false};
    std::atomic<bool> stale_{false};
};

} // namespace sekisho::gateway
