#include "gateway/auth/auth_support.hpp"

#include "gateway/events/log.hpp"
#include "credentials/password_reuse.hpp"
#include "worker/preemption_points.hpp"

namespace sekisho::gateway::auth {

credentials::Argon2Params argon2_params(const config::Argon2Config& c) {
    return credentials::Argon2Params{c.memory_kib, c.iterations, c.parallelism};
}

store::LockoutPolicy lockout_policy(const config::LockoutConfig& c) {
    return store::LockoutPolicy{static_cast<int>(c.max_failures), c.window.count(), c.lock.count()};
}

credentials::PasswordPolicy password_policy(const config::AuthConfig& c) {
    credentials::PasswordPolicy policy;
    policy.characters = c.password_rule == config::PasswordRule::three_of_four ? credentials::CharacterRule::three_of_four
                                                                               : credentials::CharacterRule::letters_digits_symbols;
    return policy;
}

bool verify_yielding(const std::string& password, const std::string& encoded) {
    const worker::PreemptionPoints yield_often;
    return credentials::verify_password(password, encoded);
}

std::string hash_yielding(const std::string& password, const credentials::Argon2Params& params) {
    const worker::PreemptionPoints yield_often;
    return credentials::hash_password(password, params);
}

bool reused_yielding(const std::string& password, const std::vector<std::string>& history) {
    const worker::PreemptionPoints yield_often;
    return credentials::password_reused(password, history);
}

std::string loggable_user(std::string_view typed) {
    if (typed.size() <= 64) return std::string(typed);
    std::size_t cut = 64;
    while (cut > 0 && (static_cast<unsigned char>(typed[cut]) & 0xC0) == 0x80) --cut; // continuation byte
    return std::string(typed.substr(0, cut));
}

void log_locked(const store::User& user, const ClientIdentity& terminal, const std::string& source,
                const store::LoginFailure& failure) {
    log_event(spdlog::level::critical, "login.locked",
              {{"user", user.id}, {"device", terminal.device}, {"serial", terminal.serial},
               {"facility", terminal.facility}, {"user_facility", user.facility}, {"peer", source},
               {"failures", std::to_string(failure.failures_in_window)},
               {"until", std::to_string(failure.locked_until.value_or(0))}});
}

session::Session new_session_for(const store::User& user, const std::vector<std::string>& roles,
                                 const ClientIdentity& terminal, const std::string& source, session::UnixSeconds now) {
    session::Session s;
    s.user = user.id;
    s.display_name = user.display_name;
    s.user_facility = user.facility;
    s.roles = roles;
    s.device = terminal.device;
    s.terminal_facility = terminal.facility;
    s.source = source;
    s.created_at = s.last_seen = now;
    s.must_change = user.must_change;
    s.break_glass = user.break_glass;
    s.ends_at = user.break_glass ? user.break_glass_until.value_or(now) : 0;
    s.user_epoch = user.session_epoch;
    s.previous_login_at = user.last_login_at;
    s.previous_login_from = user.last_login_from.value_or("");
    s.failures_since = user.failed_since_success;
    return s;
}

} // namespace sekisho::gateway::auth
