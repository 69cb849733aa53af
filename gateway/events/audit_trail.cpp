#include "gateway/events/audit_trail.hpp"

#include "pki/key_store.hpp"

#include <spdlog/spdlog.h>

namespace sekisho::gateway {

namespace {

audit::FsyncPolicy fsync_policy(config::AuditFsync f) {
    switch (f) {
    case config::AuditFsync::always: return audit::FsyncPolicy::always;
    case config::AuditFsync::none: return audit::FsyncPolicy::none;
    case config::AuditFsync::batched: break;
    }
    return audit::FsyncPolicy::batched;
}

} // namespace

AuditTrail::AuditTrail(const config::AuditConfig& cfg, const std::string& pkcs11_module) {
    if (!cfg.seal_key.empty()) {
        try {
            sealer_ = std::make_unique<pki::Es256Signer>(pki::load_private_key(cfg.seal_key, pkcs11_module));
        } catch (const std::exception& e) {
            throw std::runtime_error("audit.seal_key: " + std::string(e.what()));
        }
    }
    audit::AuditLogOptions options;
    options.path = cfg.file;
    options.fsync = fsync_policy(cfg.fsync);
    options.max_bytes = cfg.max_bytes;
    options.rotate_daily = cfg.rotate_daily;
    options.sealer = sealer_.get();
    options.seal_interval = cfg.seal_interval;
    // Not into the trail: an event about the trail must not wait in the trail's own queue.
    // The alert rule audit_failure sees it (a full disk is an alert, never a silent loss).
    options.on_error = [](const std::string& what) {
        log_event_outside_trail(spdlog::level::critical, "audit.write_failed", {{"detail", what}});
    };
    options.on_recovered = [](const std::string& what) {
        log_event_outside_trail(spdlog::level::warn, "audit.write_recovered", {{"detail", what}});
    };
    if (cfg.syslog) {
        audit::SyslogOptions so;
        so.host = cfg.syslog->address.host;
        so.port = cfg.syslog->address.port;
        so.tcp = cfg.syslog->tcp;
        so.facility = cfg.syslog->facility;
        so.app_name = cfg.syslog->app_name;
        // From the sender thread with no lock held: the report is itself an audit record.
        so.on_error = [](const std::string& what) { log_event(spdlog::level::warn, "audit.syslog_trouble", {{"detail", what}}); };
        syslog_ = std::make_unique<audit::SyslogForwarder>(std::move(so));
        options.on_record = [forwarder = syslog_.get()](const audit::AppendedRecord& r) { forwarder->forward(r); };
    }
    try {
        log_ = std::make_unique<audit::AuditLog>(std::move(options));
    } catch (const std::exception& e) {
        throw std::runtime_error("audit.file: " + std::string(e.what()));
    }
    const std::string syslog = cfg.syslog ? (cfg.syslog->tcp ? "tcp://" : "udp://") + cfg.syslog->address.to_string() : "off";
    const LogField fields[] = {{"file", cfg.file}, {"sealed", sealer_ ? "true" : "false"}, {"syslog", syslog}};
    record(spdlog::level::info, "audit.started", fields);
}

AuditTrail::~AuditTrail() {
    record(spdlog::level::info, "audit.stopped", {});
    log_.reset(); // seals and writes everything out
}

void AuditTrail::record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) {
    audit::Fields out;
    out.reserve(fields.size() + 1);
    out.emplace_back("level", std::string(spdlog::level::to_string_view(level).data(),
                                          spdlog::level::to_string_view(level).size()));
    for (const auto& [k, v] : fields) out.emplace_back(std::string(k), std::string(v));
    log_->append(event, std::move(out));
}

} // namespace sekisho::gateway
