// What runs out or drifts, turned into events an operator is told about (REQUIREMENTS §5):
// a certificate or CRL of the gateway crossing one of alerts.expiry_warnings before its end,
// or its end itself (certificate.expiring / crl.expiring with threshold=30d|7d|expired,
// warn) — once per threshold and object, as expiry_thresholds.hpp decides which apply; and
// the system clock losing synchronisation (time.sync_lost, warn; time.sync_restored, info;
// and, once it has been unsynchronised for alerts.clock_unsynchronized_after,
// time.unsynchronized, critical, then once a day while it lasts). The alert rules
// certificate_expiry and clock_unsynchronized watch these events.
#pragma once

#include "config/config.hpp"
#include "gateway/events/expiry_metrics.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace sekisho::gateway {

class HealthWatch {
public:
    using SystemTime = std::chrono::system_clock::time_point;
    using SteadyTime = std::chrono::steady_clock::time_point;

    // One look (the control thread calls it every minute): reports what is new or due.
    void check(const config::AlertsConfig& cfg, const ExpiryReport& expiries, const ClockSync& clock,
               SystemTime now, SteadyTime steady_now);

private:
    void check_expiries(const config::AlertsConfig& cfg, const ExpiryReport& expiries, SystemTime now);
    void check_clock(const config::AlertsConfig& cfg, const ClockSync& clock, SteadyTime steady_now);

    std::map<std::string, std::size_t> expiry_reported_; // kind + name → the deepest level reported
    std::optional<SteadyTime> unsynced_since_;
    std::optional<SteadyTime> unsynced_reported_; // last time.unsynchronized
};

} // namespace sekisho::gateway
