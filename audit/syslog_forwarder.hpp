// A copy of the audit trail for a collector (SIEM): every record as an RFC 5424 syslog
// message, over UDP (one datagram each) or TCP (octet-counted frames, RFC 6587). The file
// stays the authoritative record; the copy is sent from a thread of its own so no caller
// waits for the network. While the collector is away, records wait in a bounded queue and
// are sent when it is back; past the bound the oldest are dropped from the copy, counted
// and reported (never silently). Each message carries the record's seq and chain hash as
// structured data, and the record line itself as the message, so the collector can check
// the chain too.
#pragma once

#include "audit/audit_log.hpp"
#include "worker/queue_worker.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sekisho::audit {

// RFC 5424 numeric severities from the gateway's level names (critical → 2 … info → 6).
int syslog_severity(std::string_view level);

// One RFC 5424 message: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG.
// Header fields are cut to their maximum length and empty ones become "-"; SD-PARAM values
// are escaped ('"', '\' and ']').
struct SyslogMessage {
    int facility = 10;
    int severity = 6;
    std::string timestamp; // RFC 3339
    std::string hostname;
    std::string app_name = "sekisho";
    std::string procid;
    std::string msgid;
    std::vector<std::pair<std::string, std::string>> params; // in [sekisho@32473 ...]
    std::string msg;
};
std::string format_rfc5424(const SyslogMessage& m);

struct SyslogOptions {
    std::string host;
    std::uint16_t port = 514;
    bool tcp = false;
    int facility = 10; // authpriv
    std::string app_name = "sekisho";
    std::size_t queue_limit = 10000;
    std::function<void(const std::string&)> on_error; // outages, recoveries, drops
};

struct SyslogStats {
    std::uint64_t sent = 0;
    std::uint64_t dropped = 0;
    std::uint64_t queued = 0;
    bool connected = false;
};

class SyslogForwarder {
public:
    explicit SyslogForwarder(SyslogOptions options);
    ~SyslogForwarder(); // sends what is queued (for up to 2 s), then stops

    SyslogForwarder(const SyslogForwarder&) = delete;
    SyslogForwarder& operator=(const SyslogForwarder&) = delete;

    // One audit record (AuditLogOptions::on_record); any thread, never blocks on the network.
    void forward(const AppendedRecord& record);
    SyslogStats stats() const;

private:
    void run();
    bool ensure_socket();
    bool send_one(const std::string& message);
    void close_socket();

    SyslogOptions options_;
    std::string hostname_;
    std::string procid_;
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<bool> connected_{false};

    int fd_ = -1; // sender thread only
    worker::QueueWorker sender_; // last: stopped before the members its thread uses
};

} // namespace sekisho::audit
