#include "gateway/admin/dashboard_registry.hpp"

#include "store/clock.hpp"
#include "store/login_records.hpp"

#include <algorithm>

namespace sekisho::gateway {

RegistrySnapshot make_registry_snapshot(const std::vector<store::User>& users,
                                        const std::vector<store::Device>& active_devices,
                                        store::UnixSeconds now) {
    RegistrySnapshot s;
    s.taken = std::chrono::system_clock::time_point(std::chrono::seconds(now));
    for (const auto& u : users)
        if (store::is_locked(u, now))
            s.locked.push_back({u.id, u.facility, *u.locked_until, u.failed_since_success});
    for (const auto& d : active_devices) {
        // A renewed terminal holds an old certificate next to the new one: only the
        // longest-lived unrevoked one says when the terminal stops working.
        const store::DeviceCertificate* latest = nullptr;
        for (const auto& c : d.certificates)
            if (!c.revoked_at && (!latest || c.not_after > latest->not_after)) latest = &c;
        if (latest && latest->not_after <= now + kExpiryHorizon.count())
            s.expiring.push_back({d.id, d.name, d.facility, latest->serial_hex, latest->not_after});
    }
    std::sort(s.expiring.begin(), s.expiring.end(),
              [](const ExpiringTerminal& a, const ExpiringTerminal& b) { return a.not_after < b.not_after; });
    return s;
}

RegistrySnapshotSource::RegistrySnapshotSource(store::UserRegistry& users, store::DeviceRegistry& devices)
    : users_(users), devices_(devices) {
    refresh();
}

RegistrySnapshotSource::~RegistrySnapshotSource() = default;

void RegistrySnapshotSource::refresh() {
    std::shared_ptr<const RegistrySnapshot> next;
    try {
        next = std::make_shared<const RegistrySnapshot>(make_registry_snapshot(
            users_.list_users(), devices_.list_devices(std::nullopt, store::DeviceStatus::active),
            store::system_clock_now()));
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
