#include "gateway/tls/device_admission.hpp"

#include "gateway/events/log.hpp"
#include "gateway/events/temporary_devices.hpp"

#include <malloc.h>

#include <iterator>
#include <utility>
#include <vector>

namespace sekisho::gateway {

DeviceAdmission::DeviceAdmission()
    : view_(std::make_shared<DeviceView>()), temporary_(std::make_shared<const Fingerprints>()) {}

bool DeviceAdmission::is_temporary(std::string_view fingerprint) const {
    const auto set = temporary_.load();
    return !set->empty() && set->contains(std::string(fingerprint));
}

bool DeviceAdmission::admits(std::string_view fingerprint) const {
    return view_.load()->admits(fingerprint, store::system_clock_now());
}

std::optional<std::string> DeviceAdmission::facility_of(std::string_view fingerprint) const {
    return view_.load()->facility_of(fingerprint, store::system_clock_now());
}

void DeviceAdmission::replace(std::shared_ptr<DeviceView> admitted, Fingerprints temporary) {
    std::lock_guard lock(writers_);
    auto marked = std::make_shared<const Fingerprints>(std::move(temporary));
    temporary_.store(marked);
    set_temporary_devices(std::move(marked));
    view_.store(std::move(admitted));
    available_.store(true);
}

void DeviceAdmission::mark_temporary(const std::vector<std::string>& fingerprints) {
    const auto current = temporary_.load();
    std::shared_ptr<Fingerprints> marked;
    for (const auto& fingerprint : fingerprints) {
        if (current->contains(fingerprint)) continue;
        if (!marked) marked = std::make_shared<Fingerprints>(*current);
        marked->insert(fingerprint);
    }
    if (!marked) return;
    temporary_.store(marked);
    set_temporary_devices(std::move(marked));
}

std::size_t DeviceAdmission::apply(const std::vector<store::CertificateState>& changes) {
    std::lock_guard lock(writers_);
    const auto view = view_.load();
    std::size_t changed = 0;
    std::vector<std::string> temporary;
    for (const auto& state : changes) {
        if (view->apply(state)) ++changed;
        if (state.temporary) temporary.push_back(state.fingerprint);
    }
    mark_temporary(temporary);
    available_.store(true);
    return changed;
}

void DeviceAdmission::refuse_all_unavailable() {
    std::lock_guard lock(writers_);
    available_.store(false); // first: a handshake that finds nobody admitted names the reason
    view_.store(std::make_shared<DeviceView>());
}

void DeviceAdmission::admit(const std::string& fingerprint, const std::string& facility, store::UnixSeconds not_after,
                            bool temporary) {
    std::lock_guard lock(writers_);
    if (temporary) mark_temporary({fingerprint});
    view_.load()->put(fingerprint, facility, not_after);
    admitted_.push_back(fingerprint);
}

std::vector<std::string> DeviceAdmission::take_admitted() {
    std::lock_guard lock(writers_);
    return std::exchange(admitted_, {});
}

bool DeviceAdmission::has_admitted() const {
    std::lock_guard lock(writers_);
    return !admitted_.empty();
}

void DeviceAdmission::return_admitted(std::vector<std::string> fingerprints) {
    std::lock_guard lock(writers_);
    admitted_.insert(admitted_.end(), std::make_move_iterator(fingerprints.begin()),
                     std::make_move_iterator(fingerprints.end()));
}

RegistryWatch::RegistryWatch(store::Registry& registry, DeviceAdmission& admission,
                             std::chrono::seconds max_staleness)
    : registry_(registry), admission_(admission), max_staleness_(max_staleness) {
    const auto started = Clock::now();
    load();
    log_event(spdlog::level::info, "registry.loaded",
              {{"certificates_read", std::to_string(last_scan_.certificates)},
               {"active_certificates", std::to_string(admission_.size())},
               {"view_bytes", std::to_string(admission_.memory_bytes())},
               {"ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count())}});
}

namespace {

// What one scan of the registry brings: a view built afresh, or the changed certificates.
class ViewUpdate final : public store::CertificateSink {
public:
    void begin(bool complete) override {
        if (complete) view = std::make_shared<DeviceView>();
    }
    void certificate(const store::CertificateState& state) override {
        if (!view) {
            changes.push_back(state);
            return;
        }
        view->bulk_add(state);
        if (state.temporary) temporary.insert(state.fingerprint);
    }

    std::shared_ptr<DeviceView> view; // set for a complete scan
    DeviceAdmission::Fingerprints temporary;
    std::vector<store::CertificateState> changes;
};

} // namespace

void RegistryWatch::load() {
    ViewUpdate update;
    const auto scan = registry_.devices().scan_certificates(through_, update);
    if (update.view) {
        update.view->seal();
        admission_.replace(std::move(update.view), std::move(update.temporary));
        // The read's pages and the previous view are freed: give the memory back rather than
        // keep a fleet's worth of it resident (glibc keeps freed heap otherwise).
        ::malloc_trim(0);
    } else {
        admission_.apply(update.changes);
    }
    through_ = scan.through;
    revision_ = scan.revision;
    last_scan_ = scan;
    check_admitted();
}

// An enrollment admits its terminal at once, a moment after its registration committed: a
// revocation (a facility's, say) may have committed in between and been applied already,
// and with no later change naming the device nothing would take the terminal out again. So
// each is looked up once more; what is committed after the lookup comes as a change.
void RegistryWatch::check_admitted() {
    auto fingerprints = admission_.take_admitted();
    if (fingerprints.empty()) return;
    std::vector<store::CertificateState> states;
    try {
        for (const auto& fingerprint : fingerprints) {
            store::CertificateState& state = states.emplace_back();
            state.fingerprint = fingerprint;
            const auto device = registry_.devices().find_device_by_fingerprint(fingerprint);
            if (!device) continue; // not admitted
            for (const auto& cert : device->certificates) {
                if (cert.fingerprint_sha256 != fingerprint) continue;
                state.facility = device->facility;
                state.admitted = device->status == store::DeviceStatus::active && !cert.revoked_at;
                state.not_after = cert.not_after;
                state.temporary = device->temporary;
            }
        }
    } catch (...) {
        admission_.return_admitted(std::move(fingerprints));
        throw;
    }
    admission_.apply(states);
}

bool RegistryWatch::poll(Clock::time_point now) {
    try {
        if (!failed_ && registry_.devices().revision() == revision_ && !admission_.has_admitted()) return false;
        load();
        if (failed_)
            log_event(spdlog::level::warn, "registry.available",
                      {{"database", registry_.location()},
                       {"unavailable_seconds", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - failed_since_).count())}});
        failed_ = false;
        stale_ = false;
        log_event(spdlog::level::info, "registry.updated",
                  {{"revision", std::to_string(revision_)},
                   {"read", last_scan_.complete ? "complete" : "changes"},
                   {"certificates_read", std::to_string(last_scan_.certificates)},
                   {"active_certificates", std::to_string(admission_.size())},
                   {"view_bytes", std::to_string(admission_.memory_bytes())}});
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
        through_ = {}; // the view is empty: the next read is of everything
        log_event(spdlog::level::critical, "registry.stale",
                  {{"database", registry_.location()}, {"reason", e.what()},
                   {"detail", "unreadable for longer than registry.max_staleness: no terminal is admitted until it reads again"}});
        return true;
    }
}

} // namespace sekisho::gateway
