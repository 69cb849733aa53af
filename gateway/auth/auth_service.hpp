// The second factor: ID + password checked against the user registry, and the login
// sessions that follow. One instance per process, shared by every worker; Argon2id and
// SQLite run on the blocking pool, the session store is asynchronous. Every outcome is
// logged here (login.*, session.*, password.*), so callers only turn results into HTTP.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/csrf.hpp"
#include "gateway/http_types.hpp"
#include "gateway/identity.hpp"
#include "gateway/metrics.hpp"
#include "session/concurrent_attempts.hpp"
#include "session/failure_window.hpp"
#include "session/session_store.hpp"
#include "store/user_registry.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace sekisho::gateway {
class DeviceAdmission;
}

namespace sekisho::gateway::auth {

enum class LoginRefusal {
    bad_credentials,   // unknown user, wrong password, disabled or locked: one answer for all
    too_many_attempts, // this terminal or source address is blocked or busy (password spraying)
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

// Where a request stands with the cookie it carries.
struct BoundSession {
    std::optional<session::Session> session; // live, bound to this terminal, user not barred
    bool crossover = false;                  // the cookie belonged to another terminal (now ended)
};

session::SessionLimits session_limits(const config::AuthConfig& cfg);
std::int64_t unix_now();

class AuthService {
public:
    // Opens its own connection to the registry (throws naming the file on failure).
    AuthService(const std::string& sqlite_path, boost::asio::thread_pool& blocking,
                std::unique_ptr<session::SessionStore> store, Metrics& metrics);
    ~AuthService();

    // Limits that live across requests (spraying windows); at start and on every reload.
    void configure(const config::AuthConfig& cfg);

    // Called with every session that ends (logout, cross-over, registry): the server closes
    // the connections that carry it, WebSocket tunnels included. Set once, before serving.
    void on_session_ended(std::function<void(const session::Session&)> callback);

    // One login attempt from `terminal` at `source` (IP). Failures are not delayed here:
    // the caller holds the answer until failure_delay after the start, off the I/O thread.
    Task<LoginResult> login(std::string username, std::string password, ClientIdentity terminal,
                            std::string source, std::shared_ptr<const config::Config> cfg);

    // The session of a cookie as this terminal may use it. A cookie of another terminal is
    // a cross-over: that session ends for its owner too (session.crossover, critical).
    Task<BoundSession> find_bound(std::string session_id, ClientIdentity terminal, std::string peer,
                                  std::string where, config::AuthConfig cfg);

    // Ends one session (logout, cross-over, replaced) and logs why.
    Task<void> end(session::Session s, std::string reason);

    // The user's own change: current password, policy, history; clears must-change and ends
    // the user's other sessions. A wrong current password counts as a failed login.
    Task<PasswordChangeResult> change_password(session::Session s, std::string current, std::string next,
                                               ClientIdentity terminal, std::string source,
                                               std::shared_ptr<const config::Config> cfg);

    // After a registry change or a reload (control thread): sessions of disabled users, of
    // closed break-glass periods and — when the registry read fine — of terminals it no
    // longer admits end at once. Reads the registry on the calling thread.
    Task<void> enforce_registry(const DeviceAdmission& admission, bool registry_healthy, config::AuthConfig cfg);

    // Ends the sessions past their idle, absolute or hard limit (session.expired, and their
    // connections close) and counts the live ones (for the sessions gauge).
    Task<std::size_t> sweep_sessions(config::AuthConfig cfg);

    const CsrfKeys& csrf() const { return csrf_; }

private:
    struct Attempt;
    Attempt check_credentials(const std::string& username, const std::string& password,
                              const ClientIdentity& terminal, const std::string& source, const config::Config& cfg);
    // An account just locked: the alert and the lockout counter.
    void on_locked(const std::string& user, const ClientIdentity& terminal, const std::string& source,
                   const store::LoginFailure& failure);
    // A wrong password (login or password change): spraying windows, alerts.
    void count_failure(const ClientIdentity& terminal, const std::string& source, const config::AuthConfig& cfg);
    // Logs and announces sessions the store already removed (evicted, ended in bulk).
    Task<void> report_ended(std::vector<session::Session> sessions, std::string reason);

    using Barred = std::unordered_map<std::string, std::string>; // user → why their sessions end
    boost::asio::thread_pool& blocking_;
    Metrics& metrics_;
    std::unique_ptr<store::UserRegistry> users_;
    std::unique_ptr<session::SessionStore> store_;
    session::FailureWindow per_terminal_;
    session::FailureWindow per_source_;
    session::ConcurrentAttempts in_flight_;
    CsrfKeys csrf_;
    std::atomic<std::shared_ptr<const Barred>> barred_;
    std::function<void(const session::Session&)> ended_callback_;
};

} // namespace sekisho::gateway::auth
