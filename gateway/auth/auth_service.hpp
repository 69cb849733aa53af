// The second factor: ID + password checked against the user registry, and the login
// sessions that follow. One instance per process, shared by every worker; Argon2id and
// SQLite run on the blocking pool, the session store is asynchronous. Every outcome is
// logged here (login.*, session.*), so callers only turn results into HTTP.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/csrf.hpp"
#include "gateway/http_types.hpp"
#include "gateway/identity.hpp"
#include "session/failure_window.hpp"
#include "session/session_store.hpp"
#include "store/user_registry.hpp"

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sekisho::gateway {
class DeviceAdmission;
}

namespace sekisho::gateway::auth {

enum class LoginRefusal {
    bad_credentials,   // unknown user, wrong password, disabled or locked: one answer for all
    too_many_attempts, // this terminal or source address is blocked (password spraying)
    session_limit,     // the user holds max_per_user sessions and on_limit is refuse
    facility,          // the user's facility may not use this terminal
    outside_hours,     // no login window of the user's roles is open
    break_glass_off,   // an emergency account outside an enabled period
    unavailable,       // the registry cannot be read: fail closed
};
std::string_view to_string(LoginRefusal r);

struct LoginResult {
    std::optional<LoginRefusal> refusal;
    std::string session_id; // the cookie value, on success only
    session::Session session;
};

struct PasswordChangeResult {
    std::optional<std::string> problem; // for the user (ja / en), nullopt on success
};

session::SessionLimits session_limits(const config::AuthConfig& cfg);
std::int64_t unix_now();

class AuthService {
public:
    // Opens its own connection to the registry (throws naming the file on failure).
    AuthService(const std::string& sqlite_path, boost::asio::thread_pool& blocking,
                std::unique_ptr<session::SessionStore> store);
    ~AuthService();

    // One login attempt from `terminal` at `source` (IP). Failures are not delayed here:
    // the caller holds the answer until failure_delay after the start, off the I/O thread.
    Task<LoginResult> login(std::string username, std::string password, ClientIdentity terminal,
                            std::string source, std::shared_ptr<const config::Config> cfg);

    // The live session for a cookie, touched; nullopt for unknown or expired ones.
    Task<std::optional<session::Session>> find(std::string session_id, config::AuthConfig cfg);

    // Ends one session (logout, cross-over) and logs why.
    Task<void> end(session::Session s, std::string reason);

    // The user's own change: current password, policy, history; clears must-change.
    Task<PasswordChangeResult> change_password(session::Session s, std::string current, std::string next,
                                               config::AuthConfig cfg);

    // After a registry change (control thread): sessions of disabled users and of terminals
    // the registry no longer admits end at once.
    Task<void> enforce_registry(const DeviceAdmission& admission, config::AuthConfig cfg);

    const CsrfKeys& csrf() const { return csrf_; }

private:
    struct Attempt;
    Attempt check_password_blocking(const std::string& username, const std::string& password,
                                    const ClientIdentity& terminal, const std::string& source,
                                    const config::Config& cfg);

    boost::asio::thread_pool& blocking_;
    std::unique_ptr<store::UserRegistry> users_;
    std::unique_ptr<session::SessionStore> store_;
    session::FailureWindow per_terminal_;
    session::FailureWindow per_source_;
    CsrfKeys csrf_;
};

} // namespace sekisho::gateway::auth
