// The storage's housekeeping, on a thread of its own (Impl::housekeeping: never an I/O
// thread, nor the control thread that makes revocations bite): every
// alerts.volume_check_interval the free space of the audit and registry volumes
// (volume_watch.hpp) and the retention register's new records into the trail
// (retention_copy.hpp); at start and then once a day, with audit.purge, the rotated audit
// files past audit.retention are deleted (audit/retention.hpp) — each deletion recorded
// in the register first, then copied into the trail at once.
#include "gateway/daemon/server_impl.hpp"

#include "audit/retention.hpp"

#include <boost/asio/this_coro.hpp>

namespace sekisho::gateway {

namespace {

std::vector<VolumeWatch::Volume> storage_volumes(const config::Config& cfg) {
    std::vector<VolumeWatch::Volume> volumes;
    if (!cfg.audit.file.empty()) volumes.push_back({"audit", cfg.audit.file});
    if (!cfg.registry.sqlite.empty()) volumes.push_back({"registry", cfg.registry.sqlite});
    return volumes; // PostgreSQL's volume is its server's to watch
}

} // namespace

void Server::Impl::purge_expired_audit(const config::AuditConfig& cfg) {
    try {
        const auto report = audit::purge_expired({audit_file, cfg.retention, "gateway", false});
        copy_retention(); // the deletions into the trail now, not at the next look
        log_event(report.held.empty() ? spdlog::level::info : spdlog::level::warn, "audit.retention_checked",
                  {{"retention", audit::retention_text(cfg.retention)}, {"cutoff", report.cutoff},
                   {"purged", std::to_string(report.purged.size())}, {"held", std::to_string(report.held.size())},
                   {"kept", std::to_string(report.kept)},
                   {"detail", report.held.empty() ? "rotated files past retention are deleted"
                                                  : "files past retention kept by a legal hold (sekishoctl audit hold list)"}});
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "audit.purge_failed",
                  {{"reason", e.what()}, {"detail", "nothing after the named file was deleted; tried again tomorrow"}});
    }
}

void Server::Impl::copy_retention() {
    if (!retention_copy) return;
    try {
        retention_copy->copy_new();
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "audit.retention_copy_failed",
                  {{"reason", e.what()}, {"detail", "check it with 'sekishoctl audit verify <audit file>.retention'"}});
    }
}

Task<void> Server::Impl::watch_storage() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto next_purge = std::chrono::steady_clock::now();
    for (;;) {
        const auto rt = runtime.current();
        const auto& cfg = rt->config;
        const auto now = std::chrono::steady_clock::now();
        try {
            volumes.check(storage_volumes(cfg), cfg.alerts.disk_free_percent, now);
        } catch (const std::exception& e) {
            log_event(spdlog::level::err, "volume.check_failed", {{"reason", e.what()}});
        }
        if (retention_copy) {
            if (cfg.audit.purge && now >= next_purge) {
                next_purge = now + std::chrono::hours(24);
                purge_expired_audit(cfg.audit);
            }
            copy_retention(); // what sekishoctl purged or held meanwhile
        }
        timer.expires_after(cfg.alerts.volume_check_interval);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || draining.load()) co_return;
    }
}

} // namespace sekisho::gateway
