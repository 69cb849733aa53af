// Which admitted terminals were seen, collected in memory for the registry's last-seen time
// (issue 16, the periodic review: "devices not seen for 90 days"). The handshake only notes
// the fingerprint here — a lock and a hash look-up, never a database round trip — and the
// control thread hands the batch to the blocking pool (store::DeviceRegistry::record_seen).
//
// Coarse on purpose: a device is noted at most once per clock hour (its first admission in
// that hour), so the registry takes at most one write per device and hour however often the
// terminal reconnects, and a review in days needs no better.
#pragma once

#include "store/device_registry.hpp"

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sekisho::gateway {

class DeviceSightings {
public:
    // Any thread (the handshake). now: Unix seconds.
    void saw(std::string_view fingerprint, store::UnixSeconds now);

    // The sightings noted since the last take, for one record_seen() batch; forgets what was
    // noted in earlier hours (so the bookkeeping holds only this hour's devices).
    std::vector<store::DeviceSighting> take(store::UnixSeconds now);

    // A batch the registry refused to take (unavailable): kept for the next flush, unless a
    // later sighting of the same device is already waiting.
    void put_back(std::vector<store::DeviceSighting> batch);

    std::size_t pending() const;

private:
    static store::UnixSeconds hour_of(store::UnixSeconds t) { return t / 3600; }

    mutable std::mutex mutex_;
    std::unordered_map<std::string, store::UnixSeconds> pending_; // fingerprint → first sighting this hour
    std::unordered_map<std::string, store::UnixSeconds> noted_;   // fingerprint → the hour it was noted in
};

} // namespace sekisho::gateway
