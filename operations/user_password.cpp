#include "operations/user_password.hpp"

#include "credentials/password_hash.hpp"
#include "credentials/password_policy.hpp"
#include "credentials/password_reuse.hpp"
#include "credentials/random_id.hpp"
#include "codec/random.hpp"

#include <string_view>

namespace sekisho::operations {

namespace {

// 64 characters, so that each random byte maps to one without bias (256 = 4 × 64). No
// symbols a shell or a YAML/JSON file would need to quote.
// Look-alikes (I, O, l, 0, 1) are left out: temporary passwords are read out and typed.
constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789%+-.=@_";
static_assert(kAlphabet.size() == 64);

} // namespace

std::string generate_password(const std::string& user_id, const std::string& display_name) {
    const credentials::PasswordPolicy policy;
    for (;;) {
        std::string password;
        for (unsigned char byte : codec::random_bytes(kTemporaryPasswordLength)) {
            password += kAlphabet[byte % kAlphabet.size()];
        }
        if (!credentials::check_password(password, policy, user_id, display_name)) return password;
    }
}

std::string read_password_line(std::istream& in) {
    std::string line;
    if (!std::getline(in, line)) {
        throw std::runtime_error("--password-stdin: no password on standard input (give it as one line)");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void require_acceptable(const std::string& password, const credentials::PasswordPolicy& policy, const std::string& user_id,
                        const std::string& display_name) {
    if (auto reason = credentials::check_password(password, policy, user_id, display_name)) {
        throw PasswordRefused("password for user '" + user_id + "' refused: " + *reason);
    }
}

credentials::PasswordPolicy password_policy_of(const config::AuthConfig& auth) {
    credentials::PasswordPolicy policy;
    if (auth.password_rule == config::PasswordRule::three_of_four) policy.characters = credentials::CharacterRule::three_of_four;
    return policy;
}

AddedUser add_user(store::UserRegistry& users, const NewUser& request) {
    if (!store::is_valid_user_id(request.id)) {
        throw std::invalid_argument("user id '" + request.id + "' is not 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
    if (request.roles.empty()) throw std::invalid_argument("user '" + request.id + "' needs at least one role");
    for (const auto& role : request.roles) {
        if (!store::is_valid_role(role)) {
            throw std::invalid_argument("role '" + role + "' of user '" + request.id + "' is not [a-z0-9_-]+");
        }
    }
    const std::string display_name = request.display_name.empty() ? request.id : request.display_name;
    AddedUser added;
    std::string password;
    if (request.password) {
        require_acceptable(*request.password, request.policy, request.id, display_name);
        password = *request.password;
    } else {
        password = generate_password(request.id, display_name);
        added.password = password;
    }
    const std::string hash = credentials::hash_password(password, request.argon2);
    added.user = users.create_user(request.id, display_name, request.facility, request.roles, hash,
                                   request.must_change, request.actor);
    return added;
}

std::string new_password_hash(store::UserRegistry& users, const store::User& user, const std::string& password,
                              const config::AuthConfig& auth) {
    require_acceptable(password, password_policy_of(auth), user.id, user.display_name);
    if (credentials::password_reused(password, users.password_history(user.id))) {
        throw PasswordRefused("password for user '" + user.id +
                              "' refused: " + credentials::reused_password_reason(store::kPasswordHistoryDepth));
    }
    const auto& a = auth.argon2;
    return credentials::hash_password(password, credentials::Argon2Params{a.memory_kib, a.iterations, a.parallelism});
}

void change_own_password(store::UserRegistry& users, const store::User& user, const std::string& password,
                         const config::AuthConfig& auth, const std::string& actor) {
    users.set_password(user.id, new_password_hash(users, user, password, auth), false, actor,
                       "changed by the user", store::PasswordChange::by_user);
}

} // namespace sekisho::operations
