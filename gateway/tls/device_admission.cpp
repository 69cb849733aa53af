#include "gateway/tls/device_admission.hpp"

#include "gateway/events/log.hpp"
#include "gateway/events/temporary_devices.hpp"

#include <vector>

namespace sekisho::gateway {

DeviceAdmission::DeviceAdmission()
    : active_(std::make_shared<const Facilities>()), temporary_(std::make_shared<const Fingerprints>()) {}

bool DeviceAdmission::is_temporary(std::string_view fingerprint) const {
    const auto set = temporary_.load();
    return !set->empty() && set->contains(std::string(fingerprint));
}

bool DeviceAdmission::admits(std::string_view fingerprint) const {
    const auto set = active_.load();
    return set->find(std::string(fingerprint)) != set->end();
}

std::optional<std::string> DeviceAdmission::facility_of(std::string_view fingerprint) const {
    const auto set = active_.load();
    const auto it = set->find(std::string(fingerprint));
    if (it == set->end()) return std::nullopt;
    return it->second;
}

void DeviceAdmission::replace(Facilities admitted, Fingerprints temporary) {
    std::lock_guard lock(writers_);
    auto marked = std::make_shared<const Fingerprints>(std::move(temporary));
    temporary_.store(marked);
    set_temporary_devices(std::move(marked));
    active_.store(std::make_shared<const Facilities>(std::move(admitted)));
    available_.store(true);
}

void DeviceAdmission::refuse_all_unavailable() {
    std::lock_guard lock(writers_);
    available_.store(false); // first: a handshake that finds nobody admitted names the reason
    active_.store(std::make_shared<const Facilities>());
}

void DeviceAdmission::admit(std::string fingerprint, std::string facility, bool temporary) {
    std::lock_guard lock(writers_);
    if (temporary) {
        auto marked = std::make_shared<Fingerprints>(*temporary_.load());
        marked->insert(fingerprint);
        temporary_.store(marked);
        set_temporary_devices(std::move(marked));
    }
    auto next = std::make_shared<Facilities>(*active_.load());
    next->insert_or_assign(std::move(fingerprint), std::move(facility));
    active_.store(std::move(next));
}

RegistryWatch::RegistryWatch(store::Registry& registry, DeviceAdmission& admission,
                             std::chrono::seconds max_staleness)
    : registry_(registry), admission_(admission), max_staleness_(max_staleness) {
    load();
}

void RegistryWatch::load() {
    const auto revision = registry_.devices().revision();
    DeviceAdmission::Facilities admitted;
    for (auto& c : registry_.devices().admitted_certificates()) admitted.emplace(std::move(c.fingerprint), std::move(c.facility));
    DeviceAdmission::Fingerprints temporary;
    for (auto& fingerprint : registry_.devices().temporary_fingerprints()) temporary.insert(std::move(fingerprint));
    admission_.replace(std::move(admitted), std::move(temporary));
    revision_ = revision;
}

bool RegistryWatch::poll(Clock::time_point now) {
    try {
        if (!failed_ && registry_.devices().revision() == revision_) return false;
        load();
        if (failed_)
            log_event(spdlog::level::warn, "registry.available",
                      {{"database", registry_.location()},
                       {"unavailable_seconds", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - failed_since_).count())}});
        failed_ = false;
        stale_ = false;
        log_event(spdlog::level::info, "registry.updated",
                  {{"revision", std::to_string(revision_)}, {"active_certificates", std::to_string(admission_.size())}});
        return true;
    } catch (const std::exception& e) {
        if (!failed_) {
            failed_since_ = now;
            failed_ = true;
            log_event(spdlog::level::critical, "registry.unavailable",
                      {{"database", registry_.location()}, {"reason", e.what()},
                       {"detail", "terminals are admitted from the last view for " + std::to_string(max_staleness_.load().count()) +
                                      " s (registry.max_staleness), then none until it reads again"}});
        }
        if (stale_ || now - failed_since_ < max_staleness_.load()) return false;
        stale_ = true;
        admission_.refuse_all_unavailable();
        log_event(spdlog::level::critical, "registry.stale",
                  {{"database", registry_.location()}, {"reason", e.what()},
                   {"detail", "unreadable for longer than registry.max_staleness: no terminal is admitted until it reads again"}});
        return true;
    }
}

} // namespace sekisho::gateway
