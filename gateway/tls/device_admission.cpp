#include "gateway/tls/device_admission.hpp"

#include "gateway/events/log.hpp"

#include <vector>

namespace sekisho::gateway {

DeviceAdmission::DeviceAdmission() : active_(std::make_shared<const Facilities>()) {}

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

void DeviceAdmission::replace(Facilities admitted) {
    std::lock_guard lock(writers_);
    active_.store(std::make_shared<const Facilities>(std::move(admitted)));
}

void DeviceAdmission::admit(std::string fingerprint, std::string facility) {
    std::lock_guard lock(writers_);
    auto next = std::make_shared<Facilities>(*active_.load());
    next->insert_or_assign(std::move(fingerprint), std::move(facility));
    active_.store(std::move(next));
}

RegistryWatch::RegistryWatch(store::Registry& registry, DeviceAdmission& admission)
    : registry_(registry), admission_(admission) {
    load();
}

void RegistryWatch::load() {
    const auto revision = registry_.devices().revision();
    DeviceAdmission::Facilities admitted;
    for (auto& c : registry_.devices().admitted_certificates()) admitted.emplace(std::move(c.fingerprint), std::move(c.facility));
    admission_.replace(std::move(admitted));
    revision_ = revision;
}

bool RegistryWatch::poll() {
    try {
        if (!failed_ && registry_.devices().revision() == revision_) return false;
        load();
        if (failed_) log_event(spdlog::level::warn, "registry.available", {{"database", registry_.location()}});
        failed_ = false;
        log_event(spdlog::level::info, "registry.updated",
                  {{"revision", std::to_string(revision_)}, {"active_certificates", std::to_string(admission_.size())}});
        return true;
    } catch (const std::exception& e) {
        if (!failed_)
            log_event(spdlog::level::critical, "registry.unavailable",
                      {{"database", registry_.location()}, {"reason", e.what()}, {"detail", "no terminal is admitted until it reads again"}});
        failed_ = true;
        admission_.replace({});
        return true;
    }
}

} // namespace sekisho::gateway
