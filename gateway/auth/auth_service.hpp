// The second factor: ID + password checked against the user registry, and the login
// sessions that follow. One instance per process, shared by every worker; Argon2id and
// SQLite run on the blocking pool, the session store is asynchronous. Every outcome is
// logged here (login.*, session.*, password.*), so callers only turn results into HTTP.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/csrf.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/auth/caller.hpp"
#include "gateway/events/metrics.hpp"
#include "gateway/events/refusals.hpp"
#include "session/concurrent_attempts.hpp"
#include "session/store_factory.hpp"
#include "credentials/password_hash.hpp"
#include "store/login_records.hpp"
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
class RegistryWatch;
}

namespace sekisho::gateway::auth {

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
    bool unavailable = false;                // the session store could not answer: 503, not "logged out"
};

session::SessionLimits session_limits(const config::AuthConfig& cfg);
std::int64_t unix_now();

class AuthService {
public:
    // users and logins (of the gateway's one registry) must outlive the service. Registry
    // work runs on `blocking`, the Argon2id hash of a login on `hashing` (a pool of its own
    // at idle priority that holds no lock: daemon/blocking_pool.hpp). cluster_secret (when
    // instances share sessions) makes the CSRF key theirs in common.
    AuthService(store::UserRegistry& users, store::LoginRecords& logins, boost::asio::thread_pool& blocking,
                boost::asio::thread_pool& hashing, session::Stores stores, Metrics& metrics,
                std::string_view cluster_secret = {});
    ~AuthService();

    // Limits that live across requests (spraying windows); at start and on every reload.
    void configure(const config::AuthConfig& cfg);

    // Called with the id hash of every session that ends (logout, cross-over, registry, and
    // with a shared store those ended by another instance): the server closes the
    // connections that carry it, WebSocket tunnels included. Set once, before serving.
    void on_session_ended(std::function<void(const std::string& id_hash)> callback);

    // Why the session store cannot answer (for /readyz), or nullopt; and where it is.
    std::optional<std::string> store_unavailable() const { return store_->unavailable(); }
    std::string store_description() const { return store_->describe(); }

    // The in-memory view of admitted devices: every session is checked against it on every
    // request and once more at its login. Both outlive the service. Set once, before serving.
    void admit_devices_by(const DeviceAdmission& admission, const RegistryWatch& registry);

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
    // closed break-glass periods, of users whose password an administrator reset or whose
    // facility or roles changed, and — when the registry read fine — of terminals it no
    // longer admits end at once. Reads the registry on the calling thread. False when the
    // users could not be read (the last list stays in force): the caller tries again soon.
    Task<bool> enforce_registry(const DeviceAdmission& admission, bool registry_healthy, config::AuthConfig cfg);

    // Ends the sessions past their idle, absolute or hard limit (session.expired, and their
    // connections close) and counts the live ones (for the sessions gauge); nullopt when the
    // session store could not answer.
    Task<std::optional<std::size_t>> sweep_sessions(config::AuthConfig cfg);

    const CsrfKeys& csrf() const { return csrf_; }

    // For the administration API (administration.cpp). An administrator's password, checked
    // as a login's is: Argon2id on the hashing pool, failures counted towards the account's
    // lockout and the spraying windows of the operator certificate and the address. Nothing
    // about facilities or login windows (an operator certificate is not a terminal). Logs
    // admin.login_refused; nullopt user with the reason when refused.
    struct OperatorCheck {
        std::optional<store::User> user;
        std::string refusal; // for the log and the caller: wrong_password, locked, ...
        bool unavailable = false; // the registry or the windows could not be read: 503
    };
    Task<OperatorCheck> check_operator(std::string username, std::string password, ClientIdentity certificate,
                                       std::string source, std::shared_ptr<const config::Config> cfg);
    // Live sessions, all of them (the caller filters).
    Task<std::vector<session::Session>> list_sessions(config::AuthConfig cfg);
    // Ends the sessions given (as listed) for reason, logging each (session.ended) and
    // closing their connections; returns how many this call ended.
    Task<std::size_t> end_sessions(std::vector<session::Session> sessions, std::string reason);

private:
    struct Attempt;
    struct Account { // the user as the registry has them, or why they could not be read
        std::optional<store::User> user;
        std::string unavailable; // the registry could not be read: why
    };
    // The three steps of a login's check: read the account (blocking pool), hash the
    // password (hashing pool), judge and record the outcome (blocking pool).
    // The account read (blocking pool) and the password checked against it (hashing pool; an
    // unknown user against a dummy hash, for the same time and answer).
    struct Verified {
        Account account;
        bool password_ok = false;
    };
    Task<Verified> verify_password(const std::string& username, const std::string& password, const config::Config& cfg);
    Task<Attempt> check_credentials(const std::string& username, const std::string& password,
                                    const ClientIdentity& terminal, const std::string& source,
                                    const config::Config& cfg);
    Account read_account(const std::string& username);
    Attempt judge(Account account, bool password_ok, const std::string& password, const ClientIdentity& terminal,
                  const std::string& source, const config::Config& cfg);
    store::LoginFailure record_failure(const std::string& user, const std::string& source, store::UnixSeconds now,
                                       const config::AuthConfig& auth);
    // The three steps of a password change, as a login's (password_change.cpp).
    struct ChangeRead {
        std::optional<store::User> user;
        std::vector<std::string> history; // the hashes a new password must not repeat
        bool barred = false;              // unknown, disabled or locked
    };
    struct ChangeChecked {
        bool current_ok = false;
        std::optional<std::string> problem; // the new password's, for the user
        std::string new_hash;
    };
    struct ChangeOutcome {
        std::optional<std::string> problem;
        bool wrong_current = false;
        bool locked_now = false; // this failure locked the account: the session ends
    };
    ChangeRead read_for_change(const std::string& user_id);
    static ChangeChecked check_change(const ChangeRead& read, const std::string& current, const std::string& next,
                                      const config::AuthConfig& auth);
    ChangeOutcome write_change(const ChangeRead& read, ChangeChecked checked, const ClientIdentity& terminal,
                               const std::string& source, const config::AuthConfig& auth);
    void upgrade_hash(const store::User& user, const std::string& password, const credentials::Argon2Params& params);
    // An account just locked: the alert and the lockout counter.
    void on_locked(const store::User& user, const ClientIdentity& terminal, const std::string& source,
                   const store::LoginFailure& failure);
    // A wrong password (login or password change): spraying windows, alerts.
    Task<void> count_failure(ClientIdentity terminal, std::string source, config::AuthConfig cfg);
    // Why this terminal or address may not try now (blocked, or the windows unreadable).
    Task<std::optional<std::string>> spraying_blocked(const ClientIdentity& terminal, const std::string& source,
                                                      session::UnixSeconds now);
    // find_bound's checks of a live session: its terminal, the device's admission now, the
    // user's standing. Throws StoreUnavailable when a session to end cannot be ended.
    Task<BoundSession> hold_to_terminal(session::Session found, ClientIdentity terminal, std::string peer,
                                        std::string where);
    // Logs and announces sessions the store already removed (evicted, ended in bulk).
    Task<void> report_ended(std::vector<session::Session> sessions, std::string reason);
    // The session store's outages, logged once each (session.store_unavailable, critical)
    // and their end (session.store_available).
    void store_failed(const std::exception& e, std::string_view where);
    void store_answered();

    // Each user as the last registry read saw them; every session is held against it.
    struct Standing {
        std::string barred;             // why all their sessions end (user_disabled, ...); empty: none
        std::int64_t session_epoch = 0; // sessions made under an older one end (reset, disable)
        std::string facility;           // sessions made for another facility end
        std::vector<std::string> roles; // sessions holding a role the user no longer has end
    };
    using Standings = std::unordered_map<std::string, Standing>; // by user id
    // Why s may not go on under standings (empty: it may); a user not read yet goes on.
    static std::string why_session_ends(const session::Session& s, const Standings& standings);

    boost::asio::thread_pool& blocking_;
    boost::asio::thread_pool& hashing_;
    Metrics& metrics_;
    store::UserRegistry& users_;
    store::LoginRecords& logins_;
    std::unique_ptr<session::SessionStore> store_;
    std::unique_ptr<session::FailureCounters> per_terminal_;
    std::unique_ptr<session::FailureCounters> per_source_;
    session::ConcurrentAttempts in_flight_;
    CsrfKeys csrf_;
    std::atomic<std::shared_ptr<const Standings>> standings_;
    bool standings_stale_ = false; // control thread: the last read failed (logged once per outage)
    std::function<void(const std::string&)> ended_callback_;
    std::atomic<bool> store_down_{false};
    const DeviceAdmission* admission_ = nullptr;
    const RegistryWatch* registry_ = nullptr;
};

} // namespace sekisho::gateway::auth
