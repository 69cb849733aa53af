#include "review/report_json.hpp"

#include "review/report_tables.hpp"
#include "codec/jst_time.hpp"
#include "pki/printable.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace sekisho::review {

namespace {

namespace json = boost::json;

// Registry text may be anything an administrator typed: JSON must be UTF-8.
json::value str(std::string_view s) {
    return json::value(pki::valid_utf8(s));
}

template <typename T>
json::value nullable(const std::optional<T>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

json::array strings(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.push_back(str(item));
    return out;
}

json::object user_fields(const store::User& u) {
    return {{"id", str(u.id)},
            {"display_name", str(u.display_name)},
            {"facility", str(u.facility)},
            {"roles", strings(u.roles)},
            {"status", store::to_string(u.status)},
            {"last_login_at", nullable(u.last_login_at)},
            {"created_at", u.created_at}};
}

json::array inactive_users(const ReviewReport& r) {
    json::array out;
    for (const auto& line : r.inactive_users) {
        auto item = user_fields(line.user);
        item["last_login_from"] = line.user.last_login_from ? str(*line.user.last_login_from) : json::value(nullptr);
        item["days_idle"] = nullable(line.idle_days);
        out.push_back(std::move(item));
    }
    return out;
}

json::array unseen_devices(const ReviewReport& r) {
    json::array out;
    for (const auto& line : r.unseen_devices) {
        const auto& d = line.device;
        out.push_back(json::object{{"id", str(d.id)},
                                   {"facility", str(d.facility)},
                                   {"name", str(d.name)},
                                   {"status", store::to_string(d.status)},
                                   {"last_seen_at", nullable(d.last_seen_at)},
                                   {"days_unseen", nullable(line.idle_days)},
                                   {"created_at", d.created_at}});
    }
    return out;
}

json::array expiring(const ReviewReport& r) {
    json::array out;
    for (const auto& line : r.expiring)
        out.push_back(json::object{{"device_id", str(line.device_id)},
                                   {"facility", str(line.facility)},
                                   {"device_name", str(line.device_name)},
                                   {"device_status", store::to_string(line.device_status)},
                                   {"serial", line.certificate.serial_hex},
                                   {"fingerprint_sha256", line.certificate.fingerprint_sha256},
                                   {"issuer", str(line.certificate.issuer)},
                                   {"not_after", line.certificate.not_after},
                                   {"days_left", line.days_left},
                                   {"expired", line.expired}});
    return out;
}

json::array administrators(const ReviewReport& r) {
    json::array out;
    for (const auto& admin : r.administrators) {
        auto item = user_fields(admin.user);
        item["admin_roles"] = strings(admin.roles);
        item["locked"] = admin.locked;
        json::array actions;
        for (const auto& a : admin.last_actions)
            actions.push_back(json::object{{"seq", a.seq},
                                           {"at", a.at},
                                           {"actor", str(a.actor)},
                                           {"action", str(a.action)},
                                           {"subject", str(a.subject)},
                                           {"reason", str(a.reason)}});
        item["last_actions"] = std::move(actions);
        out.push_back(std::move(item));
    }
    return out;
}

json::array break_glass(const ReviewReport& r) {
    json::array out;
    for (const auto& account : r.break_glass) {
        auto item = user_fields(account.user);
        item["open_now"] = account.open_now;
        item["break_glass_until"] = nullable(account.user.break_glass_until);
        json::array events;
        for (const auto& e : account.events)
            events.push_back(json::object{{"seq", e.seq},
                                          {"at", e.at},
                                          {"action", str(e.action)},
                                          {"actor", str(e.actor)},
                                          {"reason", str(e.reason)},
                                          {"until", nullable(e.until)}});
        item["events"] = std::move(events);
        out.push_back(std::move(item));
    }
    return out;
}

json::array locked(const ReviewReport& r) {
    json::array out;
    for (const auto& line : r.locked) {
        auto item = user_fields(line.user);
        item["locked_until"] = nullable(line.user.locked_until);
        item["failed_since_success"] = line.user.failed_since_success;
        item["last_failed_at"] = nullable(line.user.last_failed_at);
        out.push_back(std::move(item));
    }
    return out;
}

} // namespace

std::string render_json(const ReviewReport& report) {
    json::array notes;
    for (const auto& note : report_notes(report)) notes.push_back(json::object{{"ja", note.ja}, {"en", note.en}});
    const auto generated = std::chrono::system_clock::time_point(std::chrono::seconds(report.generated_at));
    json::object out{{"report", "periodic_review"},
                     {"generated_at", report.generated_at},
                     {"generated_at_jst", codec::jst_timestamp(generated)},
                     {"registry", str(report.registry)},
                     {"days", report.options.days},
                     {"expiry_days", report.options.expiry_days},
                     {"active_admins", static_cast<std::int64_t>(report.active_admins)},
                     {"notes", std::move(notes)},
                     {"inactive_users", inactive_users(report)},
                     {"unseen_devices", unseen_devices(report)},
                     {"expiring_certificates", expiring(report)},
                     {"administrators", administrators(report)},
                     {"break_glass", break_glass(report)},
                     {"locked_accounts", locked(report)}};
    return json::serialize(out) + "\n";
}

} // namespace sekisho::review
