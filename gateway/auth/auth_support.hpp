// Small pieces the AuthService files share: configuration → store parameters, Argon2id with
// preemption points, what a typed user name may show in a log, the lockout alert, a new
// session's fields.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/caller.hpp"
#include "session/session.hpp"
#include "credentials/password_hash.hpp"
#include "credentials/password_policy.hpp"
#include "store/login_records.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::gateway::auth {

credentials::Argon2Params argon2_params(const config::Argon2Config& c);
store::LockoutPolicy lockout_policy(const config::LockoutConfig& c);
credentials::PasswordPolicy password_policy(const config::AuthConfig& c);

// Argon2id as the gateway runs it: with preemption points, since the hashing threads share
// the I/O threads' core (worker/preemption_points.hpp). Plain functions, so that the guard
// stays on one thread (a coroutine body may move between threads at a co_await).
bool verify_yielding(const std::string& password, const std::string& encoded);
std::string hash_yielding(const std::string& password, const credentials::Argon2Params& params);
bool reused_yielding(const std::string& password, const std::vector<std::string>& history);

// At most 64 bytes of what was typed, cut on a UTF-8 character boundary.
std::string loggable_user(std::string_view typed);

// login.locked at alert level.
void log_locked(const store::User& user, const ClientIdentity& terminal, const std::string& source,
                const store::LoginFailure& failure);

// A session for user (as it was before this login: its last login is the notice) on terminal.
session::Session new_session_for(const store::User& user, const std::vector<std::string>& roles,
                                 const ClientIdentity& terminal, const std::string& source, session::UnixSeconds now);

} // namespace sekisho::gateway::auth
