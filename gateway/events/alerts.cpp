#include "gateway/events/alerts.hpp"

#include "codec/jst_time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sekisho::gateway {

namespace {

std::string_view field(std::span<const LogField> fields, std::string_view key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return {};
}

// What the window counts per: the rule — but an expiry warning per object and threshold
// (HealthWatch reports each crossing once), so one CRL's warning holds back no other's.
std::string window_key(const std::string& rule, std::span<const LogField> fields) {
    if (rule != "certificate_expiry") return rule;
    std::string key = rule;
    for (const char* name : {"kind", "subject", "file", "threshold"}) key += "\n" + std::string(field(fields, name));
    return key;
}

} // namespace

AlertEngine::AlertEngine(const config::AlertsConfig& cfg) : cfg_(cfg) {
    if (!cfg.webhook.empty()) webhook_ = std::make_unique<Webhook>(cfg.webhook);
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::configure(const config::AlertsConfig& cfg) {
    std::lock_guard lock(mutex_);
    const bool same_hook = cfg.webhook == cfg_.webhook;
    cfg_ = cfg;
    if (!same_hook) webhook_ = cfg.webhook.empty() ? nullptr : std::make_unique<Webhook>(cfg.webhook);
}

std::uint64_t AlertEngine::fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
}

std::optional<AlertEngine::Firing> AlertEngine::match_locked(std::string_view event, std::span<const LogField> fields,
                                                             std::chrono::steady_clock::time_point now) {
    if (event == "login.failed") {
        const std::string facility(field(fields, "facility"));
        auto& times = failures_by_facility_[facility];
        times.push_back(now);
        while (!times.empty() && now - times.front() > cfg_.window) times.pop_front();
        if (times.size() < cfg_.login_failures_per_facility) return std::nullopt;
        times.clear();
        return Firing{"login_failures", std::to_string(cfg_.login_failures_per_facility) +
                                            " or more failed logins at facility " + facility + " within " +
                                            std::to_string(cfg_.window.count()) + " s"};
    }
    if (event == "session.crossover")
        return Firing{"session_crossover", "a session cookie was presented by another terminal (user " +
                                               std::string(field(fields, "user")) + ")"};
    if (event == "handshake.refused") {
        const auto reason = field(fields, "reason");
        // Named by subject: the peer address alone does not tell which terminal to go and find.
        if (reason == "revoked" || reason == "not_registered")
            return Firing{"revoked_certificate",
                          "certificate " + std::string(field(fields, "subject")) +
                              (reason == "revoked" ? " (revoked by its CA)" : " (not active in the registry)") +
                              " was used from " + std::string(field(fields, "peer"))};
        return std::nullopt;
    }
    if (event == "login.locked")
        return Firing{"lockout", "account " + std::string(field(fields, "user")) + " locked after failed logins"};
    if (event == "login.break_glass" || event == "break_glass.access")
        return Firing{"break_glass", "emergency account " + std::string(field(fields, "user")) + " in use"};
    if (event == "ledger.user.break_glass_open")
        return Firing{"break_glass", "emergency account " + std::string(field(fields, "subject")) + " opened by " +
                                         std::string(field(fields, "actor")) + ": " + std::string(field(fields, "reason"))};
    if (event == "login.spraying_blocked")
        return Firing{"password_spraying", "logins paused from " + std::string(field(fields, "peer"))};
    if (event == "audit.write_failed")
        return Firing{"audit_failure", "the audit log cannot be written"};
    if (event == "certificate.expiring" || event == "crl.expiring") {
        const std::string threshold(field(fields, "threshold"));
        const std::string at_threshold = threshold.empty() ? "" : " (threshold " + threshold + ")";
        if (event == "crl.expiring")
            return Firing{"certificate_expiry", "the CRL " + std::string(field(fields, "file")) + " ends " +
                                                    std::string(field(fields, "next_update")) + at_threshold};
        return Firing{"certificate_expiry", "the " + std::string(field(fields, "kind")) + " certificate " +
                                                std::string(field(fields, "subject")) + " ends " +
                                                std::string(field(fields, "not_after")) + at_threshold};
    }
    if (event == "time.unsynchronized")
        return Firing{"clock_unsynchronized", "the system clock has not been synchronised for " +
                                                  std::string(field(fields, "unsynchronized_s")) + " s"};
    if (event == "volume.space_low")
        return Firing{"disk_space_low", "the " + std::string(field(fields, "volume")) + " volume (" +
                                            std::string(field(fields, "path")) + ") has " +
                                            std::string(field(fields, "free_percent")) + " % free, below " +
                                            std::string(field(fields, "threshold_percent")) + " %"};
    return std::nullopt;
}

void AlertEngine::record(spdlog::level::level_enum, std::string_view event, std::span<const LogField> fields) {
    if (event.starts_with("alert.")) return; // our own reports
    std::string json, rule, summary;
    std::uint64_t held_back = 0;
    bool queued = false;
    {
        std::lock_guard lock(mutex_);
        if (!cfg_.enabled) return;
        const auto now = std::chrono::steady_clock::now();
        auto firing = match_locked(event, fields, now);
        if (!firing) return;
        if (std::find(cfg_.disabled_rules.begin(), cfg_.disabled_rules.end(), firing->rule) != cfg_.disabled_rules.end())
            return;
        auto& state = rules_[window_key(firing->rule, fields)];
        if (state.ever && now - state.last_fired < cfg_.window) {
            ++state.held_back; // one alert per rule (or per object, for expiries) per window
            return;
        }
        held_back = std::exchange(state.held_back, 0);
        state.ever = true;
        state.last_fired = now;
        ++fired_;
        rule = firing->rule;
        summary = firing->summary;
        boost::json::object body;
        body["rule"] = rule;
        body["severity"] = "critical";
        body["summary"] = summary;
        body["time"] = codec::jst_timestamp(std::chrono::system_clock::now());
        body["held_back_since_last"] = held_back;
        boost::json::object source;
        source["event"] = event;
        for (const auto& [k, v] : fields) source[k] = v;
        body["event"] = std::move(source);
        json = boost::json::serialize(body);
        if (webhook_) {
            webhook_->post(json);
            queued = true;
        }
    }
    // Outside the lock: this event passes the sinks again (audit: yes; alerts: ignored).
    log_event(spdlog::level::critical, "alert.fired",
              {{"rule", rule}, {"summary", summary}, {"held_back", std::to_string(held_back)},
               {"webhook", queued ? "queued" : "none"}});
}

} // namespace sekisho::gateway
