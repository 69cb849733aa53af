// Alerts: the rules that turn events into an administrator's attention (REQUIREMENTS §5:
// bursts of authentication failures, revoked certificates, lockouts, emergency accounts).
// An EventSink: it sees every event and fires each rule at most once per window for the
// operator (expiry warnings: once per object and threshold), and once per window for each facility with a webhook of its own (no storms; the
// next alert says how many were held back). It records alert.fired (so the audit trail has
// it, naming the facilities it concerns) and hands the JSON to the operator's webhook and to
// the webhook of each facility the alert concerns (alert_routing.hpp: a facility's copy
// carries only what is its own). Webhooks never block the caller.
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
#include <vector>

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
        std::vector<std::string> facilities; // whom it concerns; empty: the whole service
    };
    // The rule an event triggers now, if any (caller holds mutex_).
    std::optional<Firing> match_locked(std::string_view event, std::span<const LogField> fields,
                                       std::chrono::steady_clock::time_point now);
    // One sentence for people, from the fields the recipient may see.
    std::string summary_of(const Firing& firing, std::string_view event, std::span<const LogField> fields) const;
    struct RuleState {
        std::chrono::steady_clock::time_point last_fired{};
        bool ever = false;
        std::uint64_t held_back = 0;
    };
    // Whether state's window allows an alert now (then it starts again); else one more held back.
    bool due_locked(RuleState& state, std::chrono::steady_clock::time_point now) const;
    // The webhooks of cfg_ that differ from the ones running (caller holds mutex_).
    void connect_locked(const config::AlertsConfig& cfg);

    mutable std::mutex mutex_;
    config::AlertsConfig cfg_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_by_facility_;
    std::map<std::string, RuleState> rules_; // the operator's by rule, a facility's by "rule@facility"
    std::uint64_t fired_ = 0;
    std::unique_ptr<Webhook> webhook_;
    std::map<std::string, std::unique_ptr<Webhook>> facility_webhooks_;
};

} // namespace sekisho::gateway
