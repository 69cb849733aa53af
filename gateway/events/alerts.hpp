// Alerts: the rules that turn events into an administrator's attention (REQUIREMENTS §5:
// bursts of authentication failures, revoked certificates, lockouts, emergency accounts).
// An EventSink: it sees every event, fires each rule at most once per window (expiry
// warnings: once per object and threshold, as they are reported once each) (no storms;
// the next alert says how many were held back), records alert.fired (so the audit trail
// has it) and hands the JSON to the webhook, which never blocks the caller.
#pragma once

#include "config/config.hpp"
#include "gateway/events/log.hpp"
#include "gateway/events/webhook.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace sekisho::gateway {

class AlertEngine final : public EventSink {
public:
    explicit AlertEngine(const config::AlertsConfig& cfg);
    ~AlertEngine() override;

    void configure(const config::AlertsConfig& cfg); // reload
    void record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) override;

    std::uint64_t fired() const;

private:
    struct Firing {
        std::string rule;
        std::string summary;
    };
    // The rule an event triggers now, if any (caller holds mutex_).
    std::optional<Firing> match_locked(std::string_view event, std::span<const LogField> fields,
                                       std::chrono::steady_clock::time_point now);

    mutable std::mutex mutex_;
    config::AlertsConfig cfg_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_by_facility_;
    struct RuleState {
        std::chrono::steady_clock::time_point last_fired{};
        bool ever = false;
        std::uint64_t held_back = 0;
    };
    std::map<std::string, RuleState> rules_;
    std::uint64_t fired_ = 0;
    std::unique_ptr<Webhook> webhook_;
};

} // namespace sekisho::gateway
