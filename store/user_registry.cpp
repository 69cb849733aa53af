#include "store/user_registry.hpp"

#include <algorithm>

namespace sekisho::store {

std::string to_string(UserStatus status) {
    switch (status) {
    case UserStatus::active:
        return "active";
    case UserStatus::disabled:
        return "disabled";
    }
    return "unknown";
}

UserStatus parse_user_status(const std::string& text) {
    for (UserStatus s : {UserStatus::active, UserStatus::disabled}) {
        if (to_string(s) == text) return s;
    }
    throw RegistryError("unknown user status \"" + text + "\": expected active or disabled");
}

bool is_valid_user_id(std::string_view id) {
    auto allowed = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
               c == '_' || c == '@' || c == '-';
    };
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), allowed);
}

bool is_administration_role(std::string_view role) {
    return std::find(kAdministrationRoles.begin(), kAdministrationRoles.end(), role) != kAdministrationRoles.end();
}

bool is_administrator(const User& user) {
    return std::any_of(user.roles.begin(), user.roles.end(), [](const std::string& r) { return is_administration_role(r); });
}

bool is_valid_role(std::string_view role) {
    auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    };
    return !role.empty() && std::all_of(role.begin(), role.end(), allowed);
}

} // namespace sekisho::store
