#include "gateway/events/temporary_devices.hpp"

#include <atomic>

namespace sekisho::gateway {

namespace {

std::atomic<std::shared_ptr<const FingerprintSet>>& current() {
    static std::atomic<std::shared_ptr<const FingerprintSet>> set{std::make_shared<const FingerprintSet>()};
    return set;
}

} // namespace

void set_temporary_devices(std::shared_ptr<const FingerprintSet> fingerprints) {
    current().store(fingerprints ? std::move(fingerprints) : std::make_shared<const FingerprintSet>());
}

bool is_temporary_device(std::string_view fingerprint) {
    const auto set = current().load();
    return !set->empty() && !fingerprint.empty() && set->contains(std::string(fingerprint));
}

} // namespace sekisho::gateway
