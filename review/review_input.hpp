// What the periodic review is built from: the registry's users and devices, and what its
// ledger says about the administrators and the break-glass accounts. Plain data, so that the
// report (review_report.hpp) is a pure function of it and testable without a registry;
// collect.hpp reads it from one.
#pragma once

#include "store/device_registry.hpp"
#include "store/user_registry.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::review {

using store::UnixSeconds;

// The administrator roles the user holds, in the user's order (empty: not an administrator).
std::vector<std::string> administrator_roles(const store::User& user);

// Whether a ledger actor names the user: "admin:alice", "user:alice" or "alice" name alice
// (the part after the last ':' compared regardless of case, as user ids are).
bool actor_names(std::string_view actor, std::string_view user_id);

// One ledger entry an administrator made (the actor names them).
struct AdminAction {
    std::int64_t seq = 0;
    UnixSeconds at = 0;
    std::string actor;
    std::string action;
    std::string subject;
    std::string reason;
};

// One ledger entry about a break-glass account: marked ("user.break_glass_account"), a period
// opened ("user.break_glass_open", until set) or closed early ("user.break_glass_close"), or
// a login during a period ("user.login").
struct BreakGlassEvent {
    std::int64_t seq = 0;
    UnixSeconds at = 0;
    std::string user;
    std::string action;
    std::string actor;
    std::string reason;
    std::optional<UnixSeconds> until;
};

struct ReviewInput {
    std::string registry; // where it was read from, for the report's heading
    std::vector<store::User> users;
    std::vector<store::Device> devices;
    // By administrator's user id (as the registry spells it): their most recent actions,
    // newest first, at most ReviewOptions::actions_per_administrator.
    std::map<std::string, std::vector<AdminAction>> admin_actions;
    // About break-glass accounts, within the review period, oldest first.
    std::vector<BreakGlassEvent> break_glass_events;
};

struct ReviewOptions {
    int days = 90;                          // "not logged in / not seen for N days"
    int expiry_days = 30;                   // certificates expiring within this many days
    std::size_t actions_per_administrator = 5;
};

} // namespace sekisho::review
