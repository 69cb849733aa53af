#include "operations/user_output.hpp"

#include "operations/device_output.hpp"
#include "store/login_records.hpp"

#include <boost/json.hpp>

namespace sekisho::operations {

namespace {

boost::json::value optional_time(const std::optional<store::UnixSeconds>& at) {
    return at ? boost::json::value(*at) : boost::json::value(nullptr);
}

std::string time_or_dash(const std::optional<store::UnixSeconds>& at) { return at ? iso_time(*at) : "-"; }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

std::string locked_text(const store::User& user, store::UnixSeconds now) {
    return store::is_locked(user, now) ? iso_time(*user.locked_until) : "-";
}

} // namespace

boost::json::object user_json(const store::User& user, store::UnixSeconds now) {
    boost::json::array roles;
    for (const auto& role : user.roles) roles.push_back(boost::json::value(role));
    boost::json::object out;
    out["id"] = user.id;
    out["display_name"] = user.display_name;
    out["facility"] = user.facility;
    out["roles"] = std::move(roles);
    out["status"] = store::to_string(user.status);
    out["must_change"] = user.must_change;
    out["locked"] = store::is_locked(user, now);
    out["locked_until"] = optional_time(user.locked_until);
    out["last_login_at"] = optional_time(user.last_login_at);
    out["last_login_from"] = user.last_login_from ? boost::json::value(*user.last_login_from) : nullptr;
    out["failed_since_success"] = user.failed_since_success;
    out["last_failed_at"] = optional_time(user.last_failed_at);
    out["break_glass"] = user.break_glass;
    out["break_glass_until"] = optional_time(user.break_glass_until);
    out["created_at"] = user.created_at;
    out["created_by"] = user.created_by;
    out["updated_at"] = user.updated_at;
    out["updated_by"] = user.updated_by;
    return out;
}

std::string user_text(const store::User& user, store::UnixSeconds now) {
    std::string last_login = time_or_dash(user.last_login_at);
    if (user.last_login_from) last_login += " from " + *user.last_login_from;
    std::string failures = std::to_string(user.failed_since_success);
    if (user.last_failed_at) failures += " (last " + iso_time(*user.last_failed_at) + ")";
    std::vector<std::vector<std::string>> rows = {
        {"user", user.id},
        {"name", user.display_name},
        {"facility", user.facility},
        {"roles", joined(user.roles)},
        {"status", store::to_string(user.status)},
        {"must change", user.must_change ? "yes (at the next login)" : "no"},
        {"last login", last_login},
        {"failures", failures + " since the last successful login"},
        {"locked until", locked_text(user, now)},
    };
    if (user.break_glass) rows.push_back({"break-glass", "until " + time_or_dash(user.break_glass_until)});
    rows.push_back({"created", iso_time(user.created_at) + " by " + user.created_by});
    rows.push_back({"updated", iso_time(user.updated_at) + " by " + user.updated_by});
    return render_table(rows);
}

std::string user_table(const std::vector<store::User>& users, store::UnixSeconds now) {
    if (users.empty()) return "no users\n";
    std::vector<std::vector<std::string>> rows = {
        {"ID", "FACILITY", "NAME", "ROLES", "STATUS", "MUST CHANGE", "LAST LOGIN", "LOCKED UNTIL"}};
    for (const auto& user : users) {
        rows.push_back({user.id, user.facility, user.display_name, joined(user.roles), store::to_string(user.status),
                        user.must_change ? "yes" : "no", time_or_dash(user.last_login_at), locked_text(user, now)});
    }
    return render_table(rows);
}

} // namespace sekisho::operations
