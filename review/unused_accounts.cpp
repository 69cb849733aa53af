#include "review/unused_accounts.hpp"

#include "review/report_tables.hpp"

#include <algorithm>

namespace sekisho::review {

namespace {

constexpr std::int64_t kDay = 86400;

bool holds_admin(const store::User& user) {
    return std::find(user.roles.begin(), user.roles.end(), "admin") != user.roles.end();
}

bool unused_since(const store::User& user, std::int64_t days, UnixSeconds now) {
    return user.status == store::UserStatus::active && last_used(user) <= now - days * kDay;
}

} // namespace

UnixSeconds last_used(const store::User& user) {
    return std::max({user.last_login_at.value_or(0), user.created_at, user.updated_at});
}

std::vector<UnusedAccount> find_unused_accounts(const std::vector<store::User>& users, std::int64_t days,
                                                UnixSeconds now) {
    std::vector<UnusedAccount> found;
    std::size_t active_admins = 0;
    for (const auto& user : users) {
        // As operations::active_admins counts them: an emergency account is no administrator of
        // normal operation.
        if (user.status == store::UserStatus::active && holds_admin(user) && !user.break_glass) ++active_admins;
        if (unused_since(user, days, now)) {
            const auto used = last_used(user);
            found.push_back({user, used, (now - used) / kDay, {}});
        }
    }
    std::sort(found.begin(), found.end(), [](const UnusedAccount& a, const UnusedAccount& b) {
        return a.last_used != b.last_used ? a.last_used < b.last_used : a.user.id < b.user.id;
    });
    for (auto& account : found) {
        if (account.user.break_glass) {
            account.kept_because = "a break-glass account (unused by design)";
        } else if (holds_admin(account.user)) { // not break-glass: counted above
            if (active_admins <= 1)
                account.kept_because = "the last active administrator (role admin)";
            else
                --active_admins;
        }
    }
    return found;
}

std::string unused_reason(const UnusedAccount& account, std::int64_t days) {
    const auto& user = account.user;
    return "unused for " + std::to_string(account.idle_days) + " days (" +
           (user.last_login_at ? "last login " + jst_minutes(*user.last_login_at) + " JST" : std::string("never logged in")) +
           "): the policy disables accounts unused for " + std::to_string(days) + " days (auth.disable_unused_after)";
}

UnusedOutcome disable_unused_accounts(store::UserRegistry& users, std::int64_t days, const std::string& actor,
                                      bool dry_run, UnixSeconds now) {
    UnusedOutcome outcome;
    outcome.accounts = find_unused_accounts(users.list_users(), days, now);
    if (dry_run) return outcome;
    for (auto& account : outcome.accounts) {
        if (!account.kept_because.empty()) continue;
        try {
            const auto current = users.get_user(account.user.id);
            if (!current || !unused_since(*current, days, now)) {
                account.kept_because = "used or changed meanwhile";
                continue;
            }
            users.set_status(account.user.id, store::UserStatus::disabled, unused_reason(account, days), actor);
            ++outcome.disabled;
        } catch (const std::exception& e) {
            account.kept_because = "the registry refused: " + std::string(e.what());
            outcome.failures.push_back(e.what());
        }
    }
    return outcome;
}

} // namespace sekisho::review
