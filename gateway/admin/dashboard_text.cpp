#include "gateway/admin/dashboard_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <utility>

namespace sekisho::gateway {
namespace {

constexpr DashboardText kJapanese{
    .title = "関所 運用ダッシュボード",
    .times_note = "時刻はすべて日本時間 (JST, UTC+09:00) です。",
    .generated = "表示時刻",
    .refresh_note = "30秒ごとに自動更新します。",
    .other_language = "English",
    .window_label = "期間",
    .window_1h = "直近1時間",
    .window_24h = "直近24時間",
    .failures_heading = "認証失敗",
    .failures_total = "認証失敗の合計",
    .chart_label = "認証失敗の推移",
    .chart_per_minute = "1分ごとの件数",
    .chart_per_hour = "1時間ごとの件数",
    .by_reason = "理由別",
    .by_facility = "施設別",
    .by_terminal = "端末別",
    .by_user = "利用者別",
    .count = "件数",
    .reason = "理由",
    .facility = "施設",
    .terminal = "端末",
    .user = "利用者ID",
    .lockouts_heading = "ロック中のアカウント",
    .locked_until = "ロック解除予定",
    .failures_since_success = "連続失敗回数",
    .recent_heading = "最近のイベント",
    .time = "時刻",
    .event = "イベント",
    .device = "端末",
    .source = "接続元",
    .result = "結果・理由",
    .expiring_heading = "証明書の期限が近い端末",
    .expiring_note = "30日以内に有効期限が切れる (または30日以内に切れた) 有効な端末",
    .expiring_more = "期限の近い順に200台まで表示しています。続きは sekishoctl device list --expiring 30d (1回に1000台まで) で確認できます。",
    .device_id = "端末ID",
    .device_name = "端末名",
    .serial = "シリアル番号",
    .not_after = "有効期限",
    .days_left = "残り日数",
    .expired = "期限切れ",
    .clock_heading = "時刻同期",
    .clock_synced = "同期済み",
    .clock_unsynced = "未同期",
    .clock_unsynced_advice = "システム時刻が標準時刻と同期していません。NTP の設定を確認してください。",
    .max_error = "最大誤差 (秒)",
    .estimated_error = "推定誤差 (秒)",
    .none = "該当なし",
    .unknown = "不明",
    .other_keys = "(その他)",
    .no_registry = "レジストリが設定されていません (registry.sqlite または registry.postgresql)。",
    .registry_error = "レジストリを読み取れません",
    .registry_as_of = "レジストリ読み取り時刻",
    .volumes_heading = "ディスク空き容量",
    .volume = "ボリューム",
    .free_space = "空き容量",
    .free_share = "空き率",
    .volume_low = "不足",
    .volume_ok = "正常",
    .volume_low_advice = "空き容量がしきい値 (alerts.disk_free_percent) を下回っています。書き込みが失敗する前に容量を確保してください。",
};

constexpr DashboardText kEnglish{
    .title = "Sekisho operations dashboard",
    .times_note = "All times are Japan time (JST, UTC+09:00).",
    .generated = "Generated",
    .refresh_note = "Refreshes every 30 seconds.",
    .other_language = "日本語",
    .window_label = "Window",
    .window_1h = "Last hour",
    .window_24h = "Last 24 hours",
    .failures_heading = "Authentication failures",
    .failures_total = "Total authentication failures",
    .chart_label = "Authentication failures over time",
    .chart_per_minute = "per minute",
    .chart_per_hour = "per hour",
    .by_reason = "By reason",
    .by_facility = "By facility",
    .by_terminal = "By terminal",
    .by_user = "By user",
    .count = "Count",
    .reason = "Reason",
    .facility = "Facility",
    .terminal = "Terminal",
    .user = "User ID",
    .lockouts_heading = "Locked accounts",
    .locked_until = "Locked until",
    .failures_since_success = "Failures in a row",
    .recent_heading = "Recent events",
    .time = "Time",
    .event = "Event",
    .device = "Terminal",
    .source = "Source address",
    .result = "Result / reason",
    .expiring_heading = "Terminals whose certificates expire soon",
    .expiring_note = "Active terminals whose certificate expires within 30 days (or expired in the last 30)",
    .expiring_more = "The 200 soonest are shown; sekishoctl device list --expiring 30d lists up to 1000.",
    .device_id = "Device ID",
    .device_name = "Name",
    .serial = "Serial",
    .not_after = "Not after",
    .days_left = "Days left",
    .expired = "expired",
    .clock_heading = "Clock synchronisation",
    .clock_synced = "synchronised",
    .clock_unsynced = "NOT synchronised",
    .clock_unsynced_advice = "The system clock is not synchronised with a standard time source. Check NTP.",
    .max_error = "Maximum error (s)",
    .estimated_error = "Estimated error (s)",
    .none = "none",
    .unknown = "unknown",
    .other_keys = "(other)",
    .no_registry = "No registry is configured (registry.sqlite or registry.postgresql).",
    .registry_error = "The registry cannot be read",
    .registry_as_of = "Registry read at",
    .volumes_heading = "Free disk space",
    .volume = "Volume",
    .free_space = "Free",
    .free_share = "Free share",
    .volume_low = "LOW",
    .volume_ok = "ok",
    .volume_low_advice = "Free space is below alerts.disk_free_percent: make room or grow the volume before writes fail.",
};

struct EventLabel {
    std::string_view event, ja, en;
};
constexpr EventLabel kEventLabels[] = {
    {"handshake.refused", "TLS接続拒否", "Handshake refused"},
    {"tls.resumption_refused", "TLS再開拒否", "Resumption refused"},
    {"login.failed", "ログイン失敗", "Failed login"},
    {"login.refused", "ログイン受付停止", "Login refused"},
    {"login.locked", "アカウントロック", "Account locked"},
    {"login.spraying_blocked", "パスワードスプレー遮断", "Password spraying blocked"},
    {"session.crossover", "セッション回り込み", "Session cross-over"},
    {"login.succeeded", "ログイン成功", "Login"},
    {"login.break_glass", "緊急アカウントでログイン", "Break-glass login"},
    {"session.ended", "セッション終了", "Session ended"},
    {"access.denied", "アクセス拒否", "Access denied"},
    {"break_glass.access", "緊急アカウントの利用", "Break-glass access"},
    {"device.disconnected", "端末の切断", "Terminal disconnected"},
    {"password.changed", "パスワード変更", "Password changed"},
    {"password.change_refused", "パスワード変更拒否", "Password change refused"},
};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

} // namespace

Lang choose_language(std::string_view lang_param, std::string_view accept_language) {
    if (lang_param == "en") return Lang::en;
    if (lang_param == "ja") return Lang::ja;
    // Accept-Language: "en-US,en;q=0.9,ja;q=0.8" — the highest q among ja and en; first wins ties.
    std::pair<double, Lang> best{0.0, Lang::ja};
    while (!accept_language.empty()) {
        const auto comma = accept_language.find(',');
        auto item = trim(accept_language.substr(0, comma));
        accept_language = comma == std::string_view::npos ? std::string_view() : accept_language.substr(comma + 1);
        double q = 1.0;
        if (const auto semi = item.find(';'); semi != std::string_view::npos) {
            const auto params = lower(item.substr(semi + 1));
            if (const auto at = params.find("q="); at != std::string::npos) q = std::atof(params.c_str() + at + 2);
            item = trim(item.substr(0, semi));
        }
        const auto tag = lower(item);
        const auto primary = tag.substr(0, tag.find('-'));
        if ((primary == "ja" || primary == "en") && q > best.first)
            best = {q, primary == "en" ? Lang::en : Lang::ja};
    }
    return best.second;
}

std::string_view lang_code(Lang lang) {
    return lang == Lang::en ? "en" : "ja";
}

const DashboardText& dashboard_text(Lang lang) {
    return lang == Lang::en ? kEnglish : kJapanese;
}

std::string_view event_label(std::string_view event, Lang lang) {
    for (const auto& l : kEventLabels)
        if (l.event == event) return lang == Lang::en ? l.en : l.ja;
    return event;
}

} // namespace sekisho::gateway
