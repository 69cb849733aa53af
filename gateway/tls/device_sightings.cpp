#include "gateway/tls/device_sightings.hpp"

#include <utility>

namespace sekisho::gateway {

void DeviceSightings::saw(std::string_view fingerprint, store::UnixSeconds now) {
    const auto hour = hour_of(now);
    std::lock_guard lock(mutex_);
    auto [noted, first] = noted_.try_emplace(std::string(fingerprint), hour);
    if (!first) {
        if (noted->second == hour) return; // the usual case: already noted this hour
        noted->second = hour;
    }
    pending_.try_emplace(noted->first, now);
}

std::vector<store::DeviceSighting> DeviceSightings::take(store::UnixSeconds now) {
    const auto hour = hour_of(now);
    std::lock_guard lock(mutex_);
    std::vector<store::DeviceSighting> batch;
    batch.reserve(pending_.size());
    for (auto& [fingerprint, at] : pending_) batch.push_back({fingerprint, at});
    pending_.clear();
    std::erase_if(noted_, [hour](const auto& entry) { return entry.second < hour; });
    return batch;
}

void DeviceSightings::put_back(std::vector<store::DeviceSighting> batch) {
    std::lock_guard lock(mutex_);
    for (auto& sighting : batch) pending_.try_emplace(std::move(sighting.fingerprint), sighting.at);
}

std::size_t DeviceSightings::pending() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

} // namespace sekisho::gateway
