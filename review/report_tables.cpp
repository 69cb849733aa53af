#include "review/report_tables.hpp"

#include "codec/jst_time.hpp"

#include <chrono>

namespace sekisho::review {

namespace {

// Absent is an empty cell, not "-": a cell starting with '-' would need the CSV's formula guard.
std::string when(const std::optional<UnixSeconds>& t) {
    return t ? jst_minutes(*t) : "";
}

std::string idle(const std::optional<std::int64_t>& days) {
    return days ? std::to_string(*days) : "never";
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
    return out;
}

ReportTable inactive_users(const ReviewReport& r) {
    const auto n = std::to_string(r.options.days);
    ReportTable t{"inactive_users",
                  "未使用のユーザー（" + n + "日以上ログインなし、または未ログイン）",
                  "Users not logged in for " + n + " days, or never",
                  {{"user_id", "ユーザーID", "User ID"},
                   {"display_name", "氏名", "Name"},
                   {"facility", "施設", "Facility"},
                   {"roles", "ロール", "Roles"},
                   {"last_login", "最終ログイン", "Last login"},
                   {"days_idle", "経過日数", "Days idle"},
                   {"created", "作成日時", "Created"}},
                  {}};
    for (const auto& line : r.inactive_users) {
        const auto& u = line.user;
        t.rows.push_back({u.id, u.display_name, u.facility, joined(u.roles), when(u.last_login_at), idle(line.idle_days),
                          jst_minutes(u.created_at)});
    }
    return t;
}

ReportTable unseen_devices(const ReviewReport& r) {
    const auto n = std::to_string(r.options.days);
    ReportTable t{"unseen_devices",
                  "未接続の端末（" + n + "日以上接続なし、または未接続）",
                  "Devices not seen for " + n + " days, or never",
                  {{"device_id", "端末ID", "Device ID"},
                   {"facility", "施設", "Facility"},
                   {"name", "端末名", "Name"},
                   {"status", "状態", "Status"},
                   {"last_seen", "最終接続", "Last seen"},
                   {"days_unseen", "経過日数", "Days unseen"},
                   {"created", "登録日時", "Registered"}},
                  {}};
    for (const auto& line : r.unseen_devices) {
        const auto& d = line.device;
        t.rows.push_back({d.id, d.facility, d.name, store::to_string(d.status), when(d.last_seen_at),
                          idle(line.idle_days), jst_minutes(d.created_at)});
    }
    return t;
}

ReportTable expiring(const ReviewReport& r) {
    const auto n = std::to_string(r.options.expiry_days);
    ReportTable t{"expiring_certificates",
                  n + "日以内に有効期限が切れる端末証明書",
                  "Device certificates expiring within " + n + " days",
                  {{"device_id", "端末ID", "Device ID"},
                   {"facility", "施設", "Facility"},
                   {"name", "端末名", "Name"},
                   {"serial", "シリアル番号", "Serial"},
                   {"issuer", "発行CA", "Issuer"},
                   {"not_after", "有効期限", "Not after"},
                   {"days_left", "残り日数", "Days left"}},
                  {}};
    for (const auto& line : r.expiring)
        t.rows.push_back({line.device_id, line.facility, line.device_name, line.certificate.serial_hex,
                          line.certificate.issuer, jst_minutes(line.certificate.not_after),
                          line.expired ? "expired" : std::to_string(line.days_left)});
    return t;
}

// One row per recent action, the administrator repeated on each (a row for one without any).
ReportTable administrators(const ReviewReport& r) {
    ReportTable t{"administrators",
                  "管理者と最近の操作",
                  "Administrators and their last actions",
                  {{"user_id", "ユーザーID", "User ID"},
                   {"display_name", "氏名", "Name"},
                   {"roles", "管理ロール", "Admin roles"},
                   {"status", "状態", "Status"},
                   {"last_login", "最終ログイン", "Last login"},
                   {"action_at", "操作日時", "Action at"},
                   {"action", "操作", "Action"},
                   {"subject", "対象", "Subject"},
                   {"reason", "理由", "Reason"}},
                  {}};
    for (const auto& admin : r.administrators) {
        const auto& u = admin.user;
        std::vector<std::string> who = {u.id, u.display_name, joined(admin.roles),
                                        store::to_string(u.status) + (admin.locked ? " (locked)" : ""),
                                        when(u.last_login_at)};
        if (admin.last_actions.empty()) {
            who.insert(who.end(), {"", "", "", ""});
            t.rows.push_back(std::move(who));
        }
        for (const auto& action : admin.last_actions) {
            auto row = who;
            row.insert(row.end(), {jst_minutes(action.at), action.action, action.subject, action.reason});
            t.rows.push_back(std::move(row));
        }
    }
    return t;
}

ReportTable break_glass(const ReviewReport& r) {
    ReportTable t{"break_glass",
                  "緊急用アカウントと利用期間（直近" + std::to_string(r.options.days) + "日）",
                  "Break-glass accounts and their periods (last " + std::to_string(r.options.days) + " days)",
                  {{"user_id", "ユーザーID", "User ID"},
                   {"display_name", "氏名", "Name"},
                   {"status", "状態", "Status"},
                   {"period_now", "現在の期間", "Period now"},
                   {"event_at", "日時", "At"},
                   {"event", "出来事", "Event"},
                   {"actor", "実施者", "Actor"},
                   {"detail", "理由・期限", "Reason / until"}},
                  {}};
    for (const auto& account : r.break_glass) {
        const auto& u = account.user;
        std::vector<std::string> who = {u.id, u.display_name, store::to_string(u.status),
                                        account.open_now ? "open until " + jst_minutes(*u.break_glass_until) : "closed"};
        if (account.events.empty()) {
            who.insert(who.end(), {"", "", "", ""});
            t.rows.push_back(std::move(who));
        }
        for (const auto& event : account.events) {
            auto row = who;
            std::string detail = event.reason;
            if (event.until) detail += (detail.empty() ? "" : "; ") + std::string("until ") + jst_minutes(*event.until);
            row.insert(row.end(), {jst_minutes(event.at), event.action, event.actor, detail});
            t.rows.push_back(std::move(row));
        }
    }
    return t;
}

ReportTable locked(const ReviewReport& r) {
    ReportTable t{"locked_accounts",
                  "ロック中のアカウント",
                  "Locked accounts",
                  {{"user_id", "ユーザーID", "User ID"},
                   {"display_name", "氏名", "Name"},
                   {"facility", "施設", "Facility"},
                   {"locked_until", "ロック解除予定", "Locked until"},
                   {"failures", "失敗回数", "Failures"},
                   {"last_failure", "最終失敗", "Last failure"}},
                  {}};
    for (const auto& line : r.locked) {
        const auto& u = line.user;
        t.rows.push_back({u.id, u.display_name, u.facility, when(u.locked_until), std::to_string(u.failed_since_success),
                          when(u.last_failed_at)});
    }
    return t;
}

} // namespace

std::string jst_minutes(UnixSeconds t) {
    return codec::jst_display_minutes(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
}

std::vector<ReportTable> report_tables(const ReviewReport& report) {
    return {inactive_users(report), unseen_devices(report), expiring(report),
            administrators(report), break_glass(report),    locked(report)};
}

std::vector<ReportNote> report_notes(const ReviewReport& report) {
    std::vector<ReportNote> notes;
    if (report.active_admins < 2) {
        const auto n = std::to_string(report.active_admins);
        notes.push_back({"有効な管理者（ロール admin）が" + n + "名です。2名以上を維持してください。",
                         "Only " + n + " active administrator(s) with role admin: keep at least two."});
    }
    return notes;
}

} // namespace sekisho::review
