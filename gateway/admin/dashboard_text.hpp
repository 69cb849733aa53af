// The words of the operations dashboard, in Japanese (the default) and English: one table of
// strings per language, the labels of event names, and how a request picks its language.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::gateway {

enum class Lang { ja, en };

// ?lang=ja|en wins; otherwise the preferred of ja and en in Accept-Language (q-values
// honoured); otherwise ja.
Lang choose_language(std::string_view lang_param, std::string_view accept_language);
std::string_view lang_code(Lang lang); // "ja", "en"

struct DashboardText {
    std::string_view title, times_note, generated, refresh_note, other_language;
    std::string_view window_label, window_1h, window_24h;
    std::string_view failures_heading, failures_total, chart_label, chart_per_minute, chart_per_hour;
    std::string_view by_reason, by_facility, by_terminal, by_user, count, reason, facility, terminal, user;
    std::string_view lockouts_heading, locked_until, failures_since_success;
    std::string_view recent_heading, time, event, device, source, result;
    std::string_view expiring_heading, expiring_note, expiring_more, device_id, device_name, serial, not_after, days_left, expired;
    std::string_view clock_heading, clock_synced, clock_unsynced, clock_unsynced_advice, max_error, estimated_error;
    std::string_view none, unknown, other_keys, no_registry, registry_error, registry_as_of;
    std::string_view volumes_heading, volume, free_space, free_share, volume_low, volume_ok, volume_low_advice;
};
const DashboardText& dashboard_text(Lang lang);

// "ログイン失敗" / "Failed login" for "login.failed"; the name itself when unknown.
std::string_view event_label(std::string_view event, Lang lang);

} // namespace sekisho::gateway
