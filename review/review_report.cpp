#include "review/review_report.hpp"

#include "store/login_records.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace sekisho::review {

namespace {

constexpr std::int64_t kDay = 86400;

bool same_id(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// The items listed (listed(item)) that were never active (last_at(item) empty) or not for
// days: never first, then the longest idle, equal ones by id for a stable report.
template <typename Line, typename Item>
std::vector<Line> idle_lines(const std::vector<Item>& items, int days, UnixSeconds now, auto listed, auto last_at,
                             auto id_of) {
    std::vector<Line> out;
    for (const auto& item : items) {
        if (!listed(item)) continue;
        const std::optional<UnixSeconds> last = last_at(item);
        if (!last) {
            out.push_back({item, std::nullopt});
        } else if (const auto idle = days_between(*last, now); idle >= days) {
            out.push_back({item, idle});
        }
    }
    std::sort(out.begin(), out.end(), [&](const Line& a, const Line& b) {
        const auto ka = a.idle_days.value_or(INT64_MAX), kb = b.idle_days.value_or(INT64_MAX);
        return ka != kb ? ka > kb : id_of(a) < id_of(b);
    });
    return out;
}

std::vector<InactiveUser> inactive_users(const ReviewInput& input, const ReviewOptions& options, UnixSeconds now) {
    // Disabled accounts need no review of their use; emergency accounts are meant to lie
    // unused and have a list of their own.
    return idle_lines<InactiveUser>(
        input.users, options.days, now,
        [](const store::User& u) { return u.status == store::UserStatus::active && !u.break_glass; },
        [](const store::User& u) { return u.last_login_at; }, [](const InactiveUser& l) { return l.user.id; });
}

std::vector<UnseenDevice> unseen_devices(const ReviewInput& input, const ReviewOptions& options, UnixSeconds now) {
    return idle_lines<UnseenDevice>(
        input.devices, options.days, now,
        [](const store::Device& d) { return d.status != store::DeviceStatus::revoked; },
        [](const store::Device& d) { return d.last_seen_at; }, [](const UnseenDevice& l) { return l.device.id; });
}

std::vector<ExpiringCertificate> expiring(const ReviewInput& input, const ReviewOptions& options, UnixSeconds now) {
    std::vector<ExpiringCertificate> out;
    for (const auto& device : input.devices) {
        if (device.status == store::DeviceStatus::revoked) continue;
        const store::DeviceCertificate* latest = nullptr; // a renewed device is judged by its newest
        for (const auto& cert : device.certificates)
            if (!cert.revoked_at && (latest == nullptr || cert.not_after > latest->not_after)) latest = &cert;
        if (latest == nullptr || latest->not_after > now + options.expiry_days * kDay) continue;
        out.push_back({device.id, device.facility, device.name, device.status, *latest,
                       latest->not_after > now ? days_between(now, latest->not_after) : 0, latest->not_after <= now});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.certificate.not_after != b.certificate.not_after ? a.certificate.not_after < b.certificate.not_after
                                                                    : a.device_id < b.device_id;
    });
    return out;
}

} // namespace

std::int64_t days_between(UnixSeconds then, UnixSeconds now) {
    return now > then ? (now - then) / kDay : 0;
}

ReviewReport build_review_report(const ReviewInput& input, const ReviewOptions& options, UnixSeconds now) {
    ReviewReport report;
    report.generated_at = now;
    report.registry = input.registry;
    report.options = options;
    report.inactive_users = inactive_users(input, options, now);
    report.unseen_devices = unseen_devices(input, options, now);
    report.expiring = expiring(input, options, now);
    for (const auto& user : input.users) { // the registry lists them by id
        if (auto roles = administrator_roles(user); !roles.empty()) {
            const auto actions = input.admin_actions.find(user.id);
            report.administrators.push_back(
                {user, std::move(roles), store::is_locked(user, now),
                 actions == input.admin_actions.end() ? std::vector<AdminAction>{} : actions->second});
            const auto& held = report.administrators.back().roles;
            if (user.status == store::UserStatus::active && !user.break_glass &&
                std::find(held.begin(), held.end(), "admin") != held.end())
                ++report.active_admins;
        }
        if (user.break_glass) {
            BreakGlassAccount account{user, user.break_glass_until && *user.break_glass_until > now, {}};
            for (const auto& event : input.break_glass_events)
                if (same_id(event.user, user.id)) account.events.push_back(event);
            report.break_glass.push_back(std::move(account));
        }
        if (store::is_locked(user, now)) report.locked.push_back({user});
    }
    return report;
}

} // namespace sekisho::review
