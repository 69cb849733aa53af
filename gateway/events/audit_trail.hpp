// The gateway's audit trail: the AuditLog of audit/ fed by every event at info level or
// above (log.hpp EventSink), sealed with the configured key, with its own start and stop
// recorded ("logging start and stop", REQUIREMENTS §5), and copied to a syslog collector
// when audit.syslog is set. Write trouble goes to stderr at critical level, never back
// into the trail; collector trouble is an event of the trail (audit.syslog_*).
#pragma once

#include "audit/audit_log.hpp"
#include "audit/syslog_forwarder.hpp"
#include "config/config.hpp"
#include "gateway/events/log.hpp"
#include "pki/jws.hpp"

#include <memory>

namespace sekisho::gateway {

class AuditTrail final : public EventSink {
public:
    // Opens the log (continuing its chain) and loads the seal key; throws naming the key.
    AuditTrail(const config::AuditConfig& cfg, const std::string& pkcs11_module);
    ~AuditTrail() override; // records audit.stopped, seals, writes out

    void record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) override;
    audit::AuditStats stats() const { return log_->stats(); }

private:
    std::unique_ptr<pki::Es256Signer> sealer_;
    std::unique_ptr<audit::SyslogForwarder> syslog_; // before log_: it outlives the log's last record
    std::unique_ptr<audit::AuditLog> log_;
};

} // namespace sekisho::gateway
