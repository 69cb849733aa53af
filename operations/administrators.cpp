#include "operations/administrators.hpp"

#include "operations/cli_args.hpp"

#include <algorithm>
#include <stdexcept>

namespace sekisho::operations {
namespace {

bool holds(const std::vector<std::string>& roles, std::string_view role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

struct Permission {
    std::string_view group;
    std::string_view subcommand; // "" = every subcommand of the group not listed before
    std::vector<std::string_view> roles;
};

// First match wins; what is not listed is refused.
const std::vector<Permission>& permissions() {
    static const std::vector<Permission> kTable = {
        {"device", "list", {"admin", "operator", "security", "auditor"}},
        {"device", "show", {"admin", "operator", "security", "auditor"}},
        {"device", "ledger", {"admin", "operator", "security", "auditor"}},
        {"device", "ticket list", {"admin", "operator", "security", "auditor"}},
        {"device", "ticket show", {"admin", "operator", "security", "auditor"}},
        {"device", "", {"admin", "operator"}},
        {"user", "list", {"admin", "operator", "security", "auditor"}},
        {"user", "show", {"admin", "operator", "security", "auditor"}},
        {"user", "add", {"admin"}},
        {"user", "", {"admin", "security"}},
        {"session", "list", {"admin", "operator", "security", "auditor"}},
        {"session", "", {"admin", "operator", "security"}},
        {"password", "", {"admin", "operator", "security", "auditor"}}, // one's own
        {"disclose", "", {"admin", "operator", "security", "auditor"}}, // reads only
    };
    return kTable;
}

// "device ticket create" → ("device", "ticket create"), found exactly as run_device, run_user
// and the session commands find their subcommand (leading --config/--json skipped for device
// and user), so that the command checked is the command run.
std::pair<std::string, std::string> command_of(const std::vector<std::string>& args) {
    if (args.empty()) return {};
    const std::string& group = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::size_t at = group == "session" ? 0 : leading_common_options(rest);
    if (at >= rest.size()) return {group, ""};
    std::string sub = rest[at];
    if (group == "device" && sub == "ticket" && at + 1 < rest.size()) sub += " " + rest[at + 1];
    return {group, sub};
}

} // namespace

std::size_t active_admins(const std::vector<store::User>& users) {
    return static_cast<std::size_t>(std::count_if(users.begin(), users.end(), [](const store::User& u) {
        return u.status == store::UserStatus::active && !u.break_glass && holds(u.roles, "admin");
    }));
}

std::optional<std::string> command_refused(const std::vector<std::string>& roles, const std::vector<std::string>& args) {
    const auto [group, sub] = command_of(args);
    for (const auto& p : permissions()) {
        if (p.group != group || (!p.subcommand.empty() && p.subcommand != sub)) continue;
        if (std::any_of(p.roles.begin(), p.roles.end(), [&](std::string_view r) { return holds(roles, r); }))
            return std::nullopt;
        std::string needed;
        for (auto r : p.roles) needed += (needed.empty() ? "" : ", ") + std::string(r);
        return "'" + group + (sub.empty() ? "" : " " + sub) + "' needs one of the roles " + needed;
    }
    return "'" + group + (sub.empty() ? "" : " " + sub) + "' is not a command of the administration API";
}

std::string too_few_admins_warning(std::size_t active) {
    if (active >= 2) return {};
    return std::to_string(active) +
           " active administrator(s) with role admin in the registry: keep at least two (REQUIREMENTS §3), "
           "add one with 'sekishoctl user add ID --facility F --role admin'";
}

} // namespace sekisho::operations
