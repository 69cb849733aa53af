// The periodic review report (REQUIREMENTS §3: leavers and unused accounts, minimum number
// of administrators, break-glass, periodic review reports): six lists an inspector or the
// operator's on-call engineer goes through, built by a pure function from ReviewInput so
// that what is listed, and why, is unit-tested apart from any registry or format.
#pragma once

#include "review/review_input.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::review {

// An active user who never logged in, or not within the period.
struct InactiveUser {
    store::User user;
    std::optional<std::int64_t> idle_days; // whole days since the last login; nullopt: never
};

// A device not revoked that was never seen, or not within the period.
struct UnseenDevice {
    store::Device device;
    std::optional<std::int64_t> idle_days; // whole days since last seen; nullopt: never
};

// The certificate of a device in use that ends soonest after the device's renewals: listed
// when even the device's latest certificate ends within expiry_days (or has ended).
struct ExpiringCertificate {
    std::string device_id, facility, device_name;
    store::DeviceStatus device_status = store::DeviceStatus::active;
    store::DeviceCertificate certificate;
    std::int64_t days_left = 0; // whole days until not_after; 0 once it has passed
    bool expired = false;
};

struct Administrator {
    store::User user;
    std::vector<std::string> roles; // the administrator roles it holds
    bool locked = false;
    std::vector<AdminAction> last_actions; // newest first
};

struct BreakGlassAccount {
    store::User user;
    bool open_now = false;              // a period is open at the report's time
    std::vector<BreakGlassEvent> events; // of the period under review, oldest first
};

struct LockedAccount {
    store::User user; // locked_until is ahead of the report's time
};

struct ReviewReport {
    UnixSeconds generated_at = 0;
    std::string registry;
    ReviewOptions options;
    std::vector<InactiveUser> inactive_users;       // never logged in first, then the longest idle
    std::vector<UnseenDevice> unseen_devices;       // never seen first, then the longest unseen
    std::vector<ExpiringCertificate> expiring;      // soonest first
    std::vector<Administrator> administrators;      // by id
    std::size_t active_admins = 0;                  // active users with role admin, break-glass apart (warn below 2)
    std::vector<BreakGlassAccount> break_glass;     // by id
    std::vector<LockedAccount> locked;              // by id
};

// Whole days between then and now (0 when then is not before now).
std::int64_t days_between(UnixSeconds then, UnixSeconds now);

ReviewReport build_review_report(const ReviewInput& input, const ReviewOptions& options, UnixSeconds now);

} // namespace sekisho::review
