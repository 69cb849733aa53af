#include "gateway/admin/dashboard_registry.hpp"

#include "store/clock.hpp"
#include "store/login_records.hpp"

namespace sekisho::gateway {

namespace {

// Both lists come from queries on indexed dates: never the whole registry, whatever its size.
RegistrySnapshot read_snapshot(store::UserRegistry& users, store::DeviceRegistry& devices, store::UnixSeconds now) {
    RegistrySnapshot s;
    s.taken = std::chrono::system_clock::time_point(std::chrono::seconds(now));
    for (const auto& u : users.locked_users(now))
        s.locked.push_back({u.id, u.facility, *u.locked_until, u.failed_since_success});
    // Expired within the horizon too (a terminal that stopped working this month), but not
    // long-dead ones: those would push the live ones off the list.
    for (auto& e : devices.expiring_devices(now - kExpiryHorizon.count(), now + kExpiryHorizon.count() + 1, std::nullopt,
                                            kMostExpiringListed + 1))
        s.expiring.push_back({std::move(e.device_id), std::move(e.name), std::move(e.facility),
                              std::move(e.serial_hex), e.not_after});
    if (s.expiring.size() > kMostExpiringListed) {
        s.expiring.pop_back();
        s.expiring_truncated = true;
    }
    return s;
}

} // namespace

RegistrySnapshotSource::RegistrySnapshotSource(store::UserRegistry& users, store::DeviceRegistry& devices)
    : users_(users), devices_(devices) {
    refresh();
}

RegistrySnapshotSource::~RegistrySnapshotSource() = default;

void RegistrySnapshotSource::refresh() {
    std::shared_ptr<const RegistrySnapshot> next;
    try {
        next = std::make_shared<const RegistrySnapshot>(read_snapshot(users_, devices_, store::system_clock_now()));
    } catch (const std::exception& e) {
        auto kept = current() ? std::make_shared<RegistrySnapshot>(*current()) : std::make_shared<RegistrySnapshot>();
        kept->error = e.what();
        next = std::move(kept);
    }
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
}

std::shared_ptr<const RegistrySnapshot> RegistrySnapshotSource::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

} // namespace sekisho::gateway
