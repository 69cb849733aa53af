#include "gateway/events/health_watch.hpp"

#include "codec/jst_time.hpp"
#include "gateway/events/expiry_thresholds.hpp"
#include "gateway/events/log.hpp"

#include <cstdio>

namespace sekisho::gateway {

namespace {

constexpr std::chrono::hours kRepeat{24};

std::string format_seconds(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

} // namespace

void HealthWatch::check(const config::AlertsConfig& cfg, const ExpiryReport& expiries, const ClockSync& clock,
                        SystemTime now, SteadyTime steady_now) {
    check_expiries(cfg, expiries, now);
    check_clock(cfg, clock, steady_now);
}

void HealthWatch::check_expiries(const config::AlertsConfig& cfg, const ExpiryReport& expiries, SystemTime now) {
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::map<std::string, std::size_t> still;
    for (const auto& e : expiries.items) {
        const auto thresholds = thresholds_for(e, cfg.expiry_warnings);
        const auto level = crossed_level(e, thresholds, now_s);
        if (level == 0) continue; // renewed ones are forgotten, and reported afresh if they run low again
        const auto key = e.kind + "\n" + e.name;
        const auto it = expiry_reported_.find(key);
        const std::size_t reported = it == expiry_reported_.end() ? 0 : it->second;
        still[key] = level;
        if (level <= reported) continue; // renewed a little, or nothing new: no second report
        const auto left = e.at - now_s;
        const auto at = codec::jst_timestamp(SystemTime(std::chrono::seconds(e.at)));
        const auto left_text = std::to_string(left);
        const auto threshold = level_label(thresholds, level);
        if (e.kind == "crl")
            log_event(spdlog::level::warn, "crl.expiring",
                      {{"file", e.name}, {"next_update", at}, {"seconds_left", left_text}, {"threshold", threshold},
                       {"detail", left <= 0 ? "the CRL is past its nextUpdate: terminals it covers are refused"
                                            : "the CRL must be renewed soon"}});
        else
            log_event(spdlog::level::warn, "certificate.expiring",
                      {{"kind", e.kind}, {"subject", e.name}, {"not_after", at}, {"seconds_left", left_text},
                       {"threshold", threshold},
                       {"detail", left <= 0 ? "the certificate has expired" : "the certificate must be renewed soon"}});
    }
    expiry_reported_ = std::move(still);
}

void HealthWatch::check_clock(const config::AlertsConfig& cfg, const ClockSync& clock, SteadyTime steady_now) {
    if (clock.synchronized) {
        if (unsynced_since_) {
            const auto lasted = std::chrono::duration_cast<std::chrono::seconds>(steady_now - *unsynced_since_);
            log_event(spdlog::level::info, "time.sync_restored",
                      {{"unsynchronized_s", std::to_string(lasted.count())},
                       {"max_error_s", format_seconds(clock.max_error_seconds)}});
        }
        unsynced_since_.reset();
        unsynced_reported_.reset();
        return;
    }
    if (!unsynced_since_) {
        unsynced_since_ = steady_now;
        log_event(spdlog::level::warn, "time.sync_lost",
                  {{"max_error_s", format_seconds(clock.max_error_seconds)},
                   {"detail", "the system clock is not synchronised (NTP); log times and certificate checks may drift"}});
    }
    const auto lasted = steady_now - *unsynced_since_;
    if (lasted < cfg.clock_unsynchronized_after) return;
    if (unsynced_reported_ && steady_now - *unsynced_reported_ < kRepeat) return;
    unsynced_reported_ = steady_now;
    log_event(spdlog::level::critical, "time.unsynchronized",
              {{"unsynchronized_s", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(lasted).count())},
               {"max_error_s", format_seconds(clock.max_error_seconds)},
               {"detail", "the system clock has not been synchronised for too long"}});
}

} // namespace sekisho::gateway
