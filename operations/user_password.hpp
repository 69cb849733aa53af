// Passwords as sekishoctl hands them to the user registry: checked against the policy,
// generated when the administrator gives none, and hashed with Argon2id. `user add`,
// `user reset-password` and `demo init` all go through here.
#pragma once

#include "config/config.hpp"
#include "credentials/password_hash.hpp"
#include "credentials/password_policy.hpp"
#include "store/user_registry.hpp"

#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sekisho::operations {

// A password the policy refuses; the message names the user and gives the policy's reason.
class PasswordRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// kTemporaryPasswordLength characters of upper-case, lower-case, digits and a few symbols
// that need no quoting in a shell, from OpenSSL's CSPRNG; redrawn until it passes the
// default policy for this user (the guideline's letters, digits and symbols), which
// passes any configured rule.
inline constexpr std::size_t kTemporaryPasswordLength = 20;
std::string generate_password(const std::string& user_id, const std::string& display_name);

// One line from in (without the line end), for --password-stdin. Throws std::runtime_error
// when there is none.
std::string read_password_line(std::istream& in);

// Throws PasswordRefused unless credentials::check_password with policy accepts password for this user.
void require_acceptable(const std::string& password, const credentials::PasswordPolicy& policy, const std::string& user_id,
                        const std::string& display_name);

// The policy of the gateway's auth section (auth.password_rule), two factors.
credentials::PasswordPolicy password_policy_of(const config::AuthConfig& auth);

struct NewUser {
    std::string id;
    std::string display_name; // empty: the id
    std::string facility;
    std::vector<std::string> roles;
    std::optional<std::string> password; // nullopt: generate one
    bool must_change = false;
    std::string actor;
    credentials::Argon2Params argon2; // the gateway's auth.argon2, so every new hash has its cost
    credentials::PasswordPolicy policy; // the gateway's auth.password_rule, for a given password
};

struct AddedUser {
    store::User user;
    std::string password; // the generated one, to show once; empty when the caller gave it
};

// The Argon2id hash (auth.argon2) of a new password for user, once it passes the policy and
// is none of the user's recent ones. Throws PasswordRefused.
std::string new_password_hash(store::UserRegistry& users, const store::User& user, const std::string& password,
                              const config::AuthConfig& auth);

// The user's own change (an administrator through the API, e.g. after a reset): the new
// password checked as above, the must-change flag cleared, ledger "user.password_set".
void change_own_password(store::UserRegistry& users, const store::User& user, const std::string& password,
                         const config::AuthConfig& auth, const std::string& actor);

// Checks the id and roles, the password against the policy (or generates one), hashes it and
// creates the user. Throws PasswordRefused, std::invalid_argument (malformed id or role) or
// store::RegistryError.
AddedUser add_user(store::UserRegistry& users, const NewUser& request);

} // namespace sekisho::operations
