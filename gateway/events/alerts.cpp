#include "gateway/events/alerts.hpp"

#include "codec/jst_time.hpp"
#include "gateway/events/alert_routing.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace sekisho::gateway {

namespace {

// What a recipient may not see reads as this in its summary.
std::string shown(std::string_view value) {
    return value.empty() ? "(of another facility)" : std::string(value);
}

// A new sender for url, or nullptr when running already sends there.
std::unique_ptr<Webhook> webhook_for(const std::string& url, const std::unique_ptr<Webhook>& running,
                                     const std::string& key) {
    if (url.empty()) return nullptr;
    return running && running->url() == url ? nullptr : std::make_unique<Webhook>(url, key);
}

// The key a rule's window is kept under: the rule, except for expiry warnings, which come
// once per object and threshold already and must not hold back another object's.
std::string window_key(const std::string& rule, std::span<const LogField> fields) {
    if (rule != "certificate_expiry") return rule;
    std::string key = rule;
    for (const char* name : {"kind", "subject", "file", "threshold"}) key += "\n" + std::string(field(fields, name));
    return key;
}

} // namespace

AlertEngine::AlertEngine(const config::AlertsConfig& cfg) : cfg_(cfg) {
    connect_locked(cfg);
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::connect_locked(const config::AlertsConfig& cfg) {
    if (cfg.webhook.empty()) webhook_.reset();
    else if (auto hook = webhook_for(cfg.webhook, webhook_, "alerts.webhook")) webhook_ = std::move(hook);
    std::map<std::string, std::unique_ptr<Webhook>> hooks;
    for (const auto& [facility, url] : cfg.facility_webhooks) {
        auto& running = facility_webhooks_[facility];
        auto fresh = webhook_for(url, running, "alerts.facilities." + facility + ".webhook");
        hooks[facility] = fresh ? std::move(fresh) : std::move(running);
    }
    facility_webhooks_ = std::move(hooks); // a facility no longer configured stops here
}

void AlertEngine::configure(const config::AlertsConfig& cfg) {
    std::lock_guard lock(mutex_);
    connect_locked(cfg);
    cfg_ = cfg;
}

std::uint64_t AlertEngine::fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
}

std::optional<AlertEngine::Firing> AlertEngine::match_locked(std::string_view event, std::span<const LogField> fields,
                                                             std::chrono::steady_clock::time_point now) {
    auto facilities = facilities_of(event, fields);
    if (event == "login.failed") {
        // Counted for the terminal's facility and the user's: a burst against a hospital's
        // accounts from elsewhere is that hospital's burst too.
        std::vector<std::string> burst;
        bool tripped = false;
        for (const auto& facility : facilities.empty() ? std::vector<std::string>{""} : facilities) {
            auto& times = failures_by_facility_[facility];
            times.push_back(now);
            while (!times.empty() && now - times.front() > cfg_.window) times.pop_front();
            if (times.size() < cfg_.login_failures_per_facility) continue;
            times.clear();
            tripped = true;
            if (!facility.empty()) burst.push_back(facility);
        }
        if (!tripped) return std::nullopt;
        return Firing{"login_failures", burst};
    }
    if (event == "session.crossover") return Firing{"session_crossover", facilities};
    if (event == "handshake.refused") {
        const auto reason = field(fields, "reason");
        if (reason == "revoked" || reason == "not_registered") return Firing{"revoked_certificate", facilities};
        return std::nullopt;
    }
    if (event == "login.locked") return Firing{"lockout", facilities};
    if (event == "login.break_glass" || event == "break_glass.access" || event == "ledger.user.break_glass_open")
        return Firing{"break_glass", facilities};
    if (event == "login.spraying_blocked") return Firing{"password_spraying", facilities};
    if (event == "audit.write_failed") return Firing{"audit_failure", {}};
    if (event == "certificate.expiring" || event == "crl.expiring") return Firing{"certificate_expiry", {}};
    if (event == "time.unsynchronized") return Firing{"clock_unsynchronized", {}};
    if (event == "volume.space_low") return Firing{"disk_space_low", {}};
    return std::nullopt;
}

std::string AlertEngine::summary_of(const Firing& firing, std::string_view event,
                                    std::span<const LogField> fields) const {
    const auto& rule = firing.rule;
    if (rule == "login_failures")
        return std::to_string(cfg_.login_failures_per_facility) + " or more failed logins at facility " +
               (firing.facilities.empty() ? std::string(field(fields, "facility")) : join_facilities(firing.facilities)) +
               " within " + std::to_string(cfg_.window.count()) + " s";
    if (rule == "session_crossover")
        return "a session cookie was presented by another terminal (user " + shown(field(fields, "user")) + ")";
    if (rule == "revoked_certificate")
        return "certificate " + shown(field(fields, "subject")) +
               (field(fields, "reason") == "revoked" ? " (revoked by its CA)" : " (not active in the registry)") +
               " was used from " + shown(field(fields, "peer"));
    if (rule == "lockout") return "account " + shown(field(fields, "user")) + " locked after failed logins";
    if (rule == "break_glass" && event == "ledger.user.break_glass_open")
        return "emergency account " + std::string(field(fields, "subject")) + " opened by " +
               std::string(field(fields, "actor")) + ": " + std::string(field(fields, "reason"));
    if (rule == "break_glass") return "emergency account " + shown(field(fields, "user")) + " in use";
    if (rule == "password_spraying") return "logins paused from " + shown(field(fields, "peer"));
    if (rule == "audit_failure") return "the audit log cannot be written";
    const std::string threshold(field(fields, "threshold"));
    const std::string at_threshold = threshold.empty() ? "" : " (threshold " + threshold + ")";
    if (event == "crl.expiring")
        return "the CRL " + std::string(field(fields, "file")) + " ends " + std::string(field(fields, "next_update")) +
               at_threshold;
    if (rule == "certificate_expiry")
        return "the " + std::string(field(fields, "kind")) + " certificate " + std::string(field(fields, "subject")) +
               " ends " + std::string(field(fields, "not_after")) + at_threshold;
    if (rule == "disk_space_low")
        return "the " + std::string(field(fields, "volume")) + " volume (" + std::string(field(fields, "path")) +
               ") has " + std::string(field(fields, "free_percent")) + " % free, below " +
               std::string(field(fields, "threshold_percent")) + " %";
    return "the system clock has not been synchronised for " + std::string(field(fields, "unsynchronized_s")) + " s";
}

bool AlertEngine::due_locked(RuleState& state, std::chrono::steady_clock::time_point now) const {
    if (state.ever && now - state.last_fired < cfg_.window) {
        ++state.held_back;
        return false;
    }
    state.ever = true;
    state.last_fired = now;
    return true;
}

void AlertEngine::record(spdlog::level::level_enum, std::string_view event, std::span<const LogField> fields) {
    if (event.starts_with("alert.")) return; // our own reports
    std::string rule, summary, facilities;
    std::uint64_t held_back = 0;
    std::size_t queued = 0;
    bool to_operator = false, operator_queued = false;
    {
        std::lock_guard lock(mutex_);
        if (!cfg_.enabled) return;
        const auto now = std::chrono::steady_clock::now();
        auto firing = match_locked(event, fields, now);
        if (!firing) return;
        if (std::find(cfg_.disabled_rules.begin(), cfg_.disabled_rules.end(), firing->rule) != cfg_.disabled_rules.end())
            return;
        // One alert per rule (expiries: per object and threshold) per window for the operator, and apart from that one per rule
        // per window for each facility with a webhook: a burst at one hospital does not
        // silence the next hospital's.
        auto& state = rules_[window_key(firing->rule, fields)];
        to_operator = due_locked(state, now);
        std::vector<std::pair<std::string, std::uint64_t>> due; // facility, its held back
        for (const auto& facility : firing->facilities) {
            if (!facility_webhooks_.contains(facility)) continue;
            auto& own = rules_[firing->rule + "@" + facility];
            if (due_locked(own, now)) due.emplace_back(facility, std::exchange(own.held_back, 0));
        }
        if (!to_operator && due.empty()) return;
        held_back = to_operator ? std::exchange(state.held_back, 0) : 0;
        ++fired_;
        rule = firing->rule;
        facilities = join_facilities(firing->facilities);
        summary = summary_of(*firing, event, fields);
        const auto time = codec::jst_timestamp(std::chrono::system_clock::now());
        const auto body = [&](const std::string& text, std::uint64_t held, std::span<const LogField> shown_fields) {
            boost::json::object o;
            o["rule"] = rule;
            o["severity"] = "critical";
            o["summary"] = text;
            o["time"] = time;
            o["held_back_since_last"] = held;
            boost::json::object source;
            source["event"] = event;
            for (const auto& [k, v] : shown_fields) source[k] = v;
            o["event"] = std::move(source);
            return o;
        };
        if (webhook_ && to_operator) {
            auto o = body(summary, held_back, fields);
            boost::json::array list;
            for (const auto& f : firing->facilities) list.emplace_back(f);
            o["facilities"] = std::move(list);
            webhook_->post(boost::json::serialize(o));
            operator_queued = true;
            ++queued;
        }
        for (const auto& [facility, held] : due) {
            const auto own = fields_for(facility, fields, firing->facilities);
            const std::vector<LogField> view(own.begin(), own.end());
            auto o = body(summary_of(Firing{firing->rule, {facility}}, event, view), held, view);
            o["facility"] = facility;
            facility_webhooks_.at(facility)->post(boost::json::serialize(o));
            ++queued;
        }
    }
    // Outside the lock: this event passes the sinks again (audit: yes; alerts: ignored).
    log_event(spdlog::level::critical, "alert.fired",
              {{"rule", rule}, {"summary", summary}, {"facilities", facilities},
               {"held_back", std::to_string(held_back)}, {"webhook", operator_queued ? "queued" : "none"},
               {"webhooks", std::to_string(queued)}});
}

} // namespace sekisho::gateway
