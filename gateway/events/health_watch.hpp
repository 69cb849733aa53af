// What runs out or drifts, turned into events an operator is told about (REQUIREMENTS §5):
// a certificate or CRL of the gateway within alerts.expiry_warning of its end
// (certificate.expiring / crl.expiring, warn), and the system clock losing
// synchronisation (time.sync_lost, warn; time.sync_restored, info; and, once it has been
// unsynchronised for alerts.clock_unsynchronized_after, time.unsynchronized, critical).
// Each condition is reported when it starts and then once a day while it lasts, so the
// audit trail shows it without a line a minute. The alert rules certificate_expiry and
// clock_unsynchronized watch these events.
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
    void check_expiries(const config::AlertsConfig& cfg, const ExpiryReport& expiries, SystemTime now,
                        SteadyTime steady_now);
    void check_clock(const config::AlertsConfig& cfg, const ClockSync& clock, SteadyTime steady_now);

    std::map<std::string, SteadyTime> expiry_reported_; // kind + name → last report
    std::optional<SteadyTime> unsynced_since_;
    std::optional<SteadyTime> unsynced_reported_; // last time.unsynchronized
};

} // namespace sekisho::gateway
