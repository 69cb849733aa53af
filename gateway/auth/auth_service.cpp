#include "gateway/auth/auth_service.hpp"

#include "gateway/auth/auth_support.hpp"
#include "gateway/auth/login_policy.hpp"
#include "gateway/tls/device_admission.hpp"
#include "gateway/events/log.hpp"
#include "operations/administrators.hpp"
#include "session/session_id.hpp"
#include "credentials/password_hash.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sekisho::gateway::auth {

namespace {

// In flight at once: two per terminal or address (a person types one password at a time),
// 64 in total, so a burst can neither outrun the failure windows nor flood the pool.
constexpr std::size_t kAttemptsPerKey = 2;
constexpr std::size_t kAttemptsTotal = 64;

} // namespace

session::SessionLimits session_limits(const config::AuthConfig& cfg) {
    return session::SessionLimits{cfg.sessions.idle_timeout.count(), cfg.sessions.absolute_timeout.count(),
                                  cfg.sessions.max_per_user,
                                  cfg.sessions.on_limit == config::SessionLimitAction::evict_oldest};
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct AuthService::Attempt {
    std::optional<LoginRefusal> refusal;
    std::string detail;          // for the log: unknown_user, wrong_password, disabled, locked, ...
    bool password_wrong = false; // counts towards the spraying windows
    bool break_glass = false;    // an attempt on an emergency account: alert level
    std::optional<store::User> user; // on success: as it was before this login
    std::vector<std::string> roles;  // on success: the roles open now

    static Attempt refused(LoginRefusal r, std::string detail, bool password_wrong = false, bool break_glass = false) {
        Attempt a;
        a.refusal = r;
        a.detail = std::move(detail);
        a.password_wrong = password_wrong;
        a.break_glass = break_glass;
        return a;
    }
};

AuthService::AuthService(store::UserRegistry& users, store::LoginRecords& logins,
                         boost::asio::thread_pool& blocking, boost::asio::thread_pool& hashing,
                         session::Stores stores, Metrics& metrics, std::string_view cluster_secret)
    : blocking_(blocking), hashing_(hashing), metrics_(metrics), users_(users), logins_(logins),
      store_(std::move(stores.sessions)),
      per_terminal_(std::move(stores.per_terminal)), per_source_(std::move(stores.per_source)),
      in_flight_(kAttemptsPerKey, kAttemptsTotal), csrf_(cluster_secret) {
    standings_.store(std::make_shared<const Standings>());
}

AuthService::~AuthService() = default;

void AuthService::configure(const config::AuthConfig& cfg) {
    const auto& s = cfg.spraying;
    per_terminal_->set_limits({s.per_terminal, s.window.count(), s.block.count()});
    per_source_->set_limits({s.per_source, s.window.count(), s.block.count()});
}

void AuthService::on_session_ended(std::function<void(const std::string&)> callback) {
    ended_callback_ = callback;
    store_->on_ended_elsewhere(std::move(callback));
}

void AuthService::admit_devices_by(const DeviceAdmission& admission, const RegistryWatch& registry) {
    admission_ = &admission;
    registry_ = &registry;
}

// Blocking pool.
AuthService::Account AuthService::read_account(const std::string& username) {
    try {
        return Account{users_.get_user(username), {}};
    } catch (const std::exception& e) {
        return Account{std::nullopt, e.what()};
    }
}

Task<AuthService::Verified> AuthService::verify_password(const std::string& username, const std::string& password,
                                                         const config::Config& cfg) {
    const auto params = argon2_params(cfg.auth.argon2);
    auto read = boost::asio::co_spawn(
        blocking_, [this, &username]() -> Task<Account> { co_return read_account(username); },
        boost::asio::use_awaitable);
    Verified verified;
    verified.account = co_await std::move(read);
    // Unknown users, and an unreadable registry, are checked against a dummy hash: same
    // work, same time, same answer.
    const Account& account = verified.account;
    auto verify = boost::asio::co_spawn(
        hashing_,
        [&password, &account, &params]() -> Task<bool> {
            co_return verify_yielding(password, account.user ? account.user->password_hash : credentials::dummy_hash(params));
        },
        boost::asio::use_awaitable);
    verified.password_ok = co_await std::move(verify);
    co_return verified;
}

Task<AuthService::Attempt> AuthService::check_credentials(const std::string& username, const std::string& password,
                                                          const ClientIdentity& terminal, const std::string& source,
                                                          const config::Config& cfg) {
    auto verifying = verify_password(username, password, cfg);
    Verified verified = co_await std::move(verifying);
    const bool password_ok = verified.password_ok;
    auto judged = boost::asio::co_spawn(
        blocking_,
        [this, &verified, password_ok, &password, &terminal, &source, &cfg]() -> Task<Attempt> {
            co_return judge(std::move(verified.account), password_ok, password, terminal, source, cfg);
        },
        boost::asio::use_awaitable);
    co_return co_await std::move(judged);
}

// Blocking pool. Nothing is written for a success here: the session must exist first.
AuthService::Attempt AuthService::judge(Account account, bool password_ok, const std::string& password,
                                        const ClientIdentity& terminal, const std::string& source,
                                        const config::Config& cfg) {
    const auto now = unix_now();
    const auto params = argon2_params(cfg.auth.argon2);
    if (!account.unavailable.empty()) return Attempt::refused(LoginRefusal::unavailable, account.unavailable);
    auto& user = account.user;
    if (!user) return Attempt::refused(LoginRefusal::bad_credentials, "unknown_user", true);
    const bool emergency = user->break_glass;
    // Administrators work from management terminals only (REQUIREMENTS §3): their accounts
    // never log in here, and nothing here counts towards their lockout, so that a terminal
    // cannot lock them out of the administration API. The answer is a wrong password's,
    // whatever was typed (nothing to learn by guessing here).
    if (operations::is_administrator(*user))
        return Attempt::refused(LoginRefusal::bad_credentials, "administrator_account", !password_ok, emergency);
    try {
        if (user->status == store::UserStatus::disabled)
            return Attempt::refused(LoginRefusal::bad_credentials, "disabled", !password_ok, emergency);
        if (store::is_locked(*user, now)) {
            if (!password_ok) (void)record_failure(user->id, source, now, cfg.auth);
            return Attempt::refused(LoginRefusal::bad_credentials, "locked", !password_ok, emergency);
        }
        if (!password_ok) {
            const auto failure = record_failure(user->id, source, now, cfg.auth);
            if (failure.locked_until) on_locked(*user, terminal, source, failure);
            return Attempt::refused(LoginRefusal::bad_credentials, "wrong_password", true, emergency);
        }
        // From here the password was right. These refusals tell the person why (they
        // cannot be used to guess faster: every wrong guess above still counts).
        if (emergency &&
            (!cfg.auth.break_glass.enabled || !user->break_glass_until || *user->break_glass_until <= now))
            return Attempt::refused(LoginRefusal::break_glass_off, "break-glass account outside an open period", false, true);
        if (!facility_allows_anywhere(user->facility, terminal.facility, user->roles, cfg))
            return Attempt::refused(LoginRefusal::facility,
                           "user of facility " + user->facility + " on a terminal of " + terminal.facility, false,
                           emergency);
        auto roles = open_roles(user->roles, cfg.auth.login_windows, std::chrono::system_clock::now());
        if (!user->roles.empty() && roles.empty())
            return Attempt::refused(LoginRefusal::outside_hours, "no login window of roles " + join_roles(user->roles) + " is open",
                           false, emergency);
        if (credentials::needs_rehash(user->password_hash, params)) upgrade_hash(*user, password, params);
        Attempt ok;
        ok.break_glass = emergency;
        ok.user = std::move(user);
        ok.roles = std::move(roles);
        return ok;
    } catch (const std::exception& e) {
        return Attempt::refused(LoginRefusal::unavailable, e.what(), false, emergency);
    }
}

// Blocking pool. A wrong password is answered as one even when the registry cannot record it
// (busy past its timeout, unwritable): "unavailable" for a wrong password and "refused" for a
// right one would tell a guesser which was right, uncounted. The in-memory failure windows
// still count it (the caller's count_failure).
store::LoginFailure AuthService::record_failure(const std::string& user, const std::string& source,
                                               store::UnixSeconds now, const config::AuthConfig& auth) {
    try {
        return logins_.record_login_failure(user, source, now, lockout_policy(auth.lockout));
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "login.failure_not_recorded", {{"user", user}, {"peer", source}, {"reason", e.what()}});
        return {};
    }
}

// Blocking pool. Only here is the password known: a hash made under weaker parameters than
// today's is replaced (same password, no history entry). A failure leaves the old hash.
void AuthService::upgrade_hash(const store::User& user, const std::string& password,
                               const credentials::Argon2Params& params) {
    try {
        if (users_.rehash_password(user.id, user.password_hash, hash_yielding(password, params)))
            log_event(spdlog::level::info, "password.rehashed", {{"user", user.id}});
    } catch (const std::exception& e) {
        log_event(spdlog::level::warn, "password.rehash_failed",
                  {{"user", user.id}, {"reason", e.what()}, {"detail", "the old hash stays; tried again at the next login"}});
    }
}

void AuthService::on_locked(const store::User& user, const ClientIdentity& terminal, const std::string& source,
                            const store::LoginFailure& failure) {
    metrics_.lockout();
    log_locked(user, terminal, source, failure);
}

Task<LoginResult> AuthService::login(std::string username, std::string password, ClientIdentity terminal,
                                     std::string source, std::shared_ptr<const config::Config> cfg) {
    LoginResult result;
    const auto& auth = cfg->auth;
    const auto started = unix_now();
    auto slot = in_flight_.acquire({"terminal:" + terminal.device, "source:" + source});
    std::optional<std::string> blocked;
    if (slot.empty()) {
        blocked = "too many logins in flight from this terminal or address";
    } else {
        auto asking = spraying_blocked(terminal, source, started);
        blocked = co_await std::move(asking);
    }
    if (blocked) {
        const bool unavailable = blocked->find("unavailable") != std::string::npos;
        log_event(unavailable ? spdlog::level::err : spdlog::level::warn, "login.refused",
                  {{"reason", unavailable ? "unavailable" : "too_many_attempts"}, {"user", loggable_user(username)},
                   {"device", terminal.device}, {"peer", source}, {"detail", *blocked}});
        result.refusal = unavailable ? LoginRefusal::unavailable : LoginRefusal::too_many_attempts;
        co_return result;
    }

    // Named before co_await: GCC 12 may destroy temporaries of a co_await expression twice.
    auto check = check_credentials(username, password, terminal, source, *cfg);
    Attempt attempt = co_await std::move(check);
    if (!attempt.refusal) {
        const auto& user = *attempt.user;
        session::Session s = new_session_for(user, attempt.roles, terminal, source, unix_now());
        result.session_id = session::new_session_id();
        s.id_hash = session::hash_session_id(result.session_id);
        session::CreateResult created;
        std::string store_failure;
        try {
            auto create = store_->create(s, result.session_id, session_limits(auth), s.created_at);
            created = co_await std::move(create);
            store_answered();
        } catch (const session::StoreUnavailable& e) {
            store_failed(e, "login");
            store_failure = e.what();
        }
        if (!store_failure.empty()) {
            attempt.refusal = LoginRefusal::unavailable;
            attempt.detail = "the session store cannot be reached: " + store_failure;
        } else if (!created.created) {
            attempt.refusal = LoginRefusal::session_limit;
            attempt.detail = "the user already holds " + std::to_string(auth.sessions.max_per_user) + " sessions";
        } else {
            auto ending = report_ended(std::move(created.evicted), "evicted");
            co_await std::move(ending);
            // Recorded only now that the session exists; a disable or lock that raced
            // the check makes this throw, and the new session goes again.
            auto record = boost::asio::co_spawn(
                blocking_,
                [this, &user, &source]() -> Task<bool> {
                    logins_.record_login_success(user.id, source, unix_now());
                    co_return true;
                },
                boost::asio::use_awaitable);
            std::string raced;
            try {
                co_await std::move(record);
            } catch (const std::exception& e) {
                raced = e.what();
            }
            // A suspension that raced the login: its enforcement listed the sessions before
            // this one existed, so the device is looked at again now that it does.
            if (raced.empty() && admission_ && !admission_->admits(s.device))
                raced = "the terminal stopped being admitted (suspended or revoked) during the login";
            if (raced.empty()) result.session = std::move(s);
            if (!raced.empty()) {
                auto erase = store_->erase(s.id_hash);
                co_await std::move(erase);
                attempt.refusal = LoginRefusal::bad_credentials;
                attempt.detail = raced;
            }
        }
    }

    if (attempt.refusal) {
        result.refusal = attempt.refusal;
        result.session_id.clear();
        const auto level = attempt.break_glass ? spdlog::level::critical
                           : *attempt.refusal == LoginRefusal::unavailable ? spdlog::level::err
                                                                           : spdlog::level::warn;
        const std::string reason(to_string(*attempt.refusal));
        log_event(level, "login.failed",
                  {{"reason", reason}, {"detail", attempt.detail},
                   {"user", attempt.user ? attempt.user->id : loggable_user(username)},
                   {"device", terminal.device}, {"serial", terminal.serial}, {"facility", terminal.facility},
                   {"user_facility", attempt.user ? std::string_view(attempt.user->facility) : std::string_view()},
                   {"peer", source}, {"break_glass", attempt.break_glass ? "true" : "false"}});
        if (attempt.password_wrong) {
            auto counting = count_failure(terminal, source, auth);
            co_await std::move(counting);
        }
        co_return result;
    }
    const auto& s = result.session;
    log_event(s.break_glass ? spdlog::level::critical : spdlog::level::info,
              s.break_glass ? "login.break_glass" : "login.succeeded",
              {{"user", s.user}, {"roles", join_roles(s.roles)}, {"device", terminal.device},
               {"serial", terminal.serial}, {"facility", terminal.facility}, {"user_facility", s.user_facility},
               {"peer", source}, {"session", s.id_hash.substr(0, 16)},
               {"must_change", s.must_change ? "true" : "false"}});
    co_return result;
}

Task<BoundSession> AuthService::find_bound(std::string session_id, ClientIdentity terminal, std::string peer,
                                           std::string where, config::AuthConfig cfg) {
    BoundSession bound;
    if (!session::is_well_formed_session_id(session_id)) co_return bound;
    std::optional<session::Session> found;
    try {
        auto touch = store_->touch(session_id, session_limits(cfg), unix_now());
        found = co_await std::move(touch);
        store_answered();
    } catch (const session::StoreUnavailable& e) {
        store_failed(e, where);
        bound.unavailable = true;
        co_return bound;
    }
    if (!found) co_return bound;
    try {
        auto hold = hold_to_terminal(std::move(*found), terminal, peer, where);
        bound = co_await std::move(hold);
    } catch (const session::StoreUnavailable& e) { // a session to end, and the store went away
        store_failed(e, where);
        bound = BoundSession{};
        bound.unavailable = true;
    }
    co_return bound;
}

Task<BoundSession> AuthService::hold_to_terminal(session::Session found, ClientIdentity terminal, std::string peer,
                                                 std::string where) {
    BoundSession bound;
    if (found.device != terminal.device) {
        // Session cross-over: the cookie left the terminal it was issued to. It must be
        // considered stolen, so the session ends for its owner too.
        log_event(spdlog::level::critical, "session.crossover",
                  {{"user", found.user}, {"session", found.id_hash.substr(0, 16)}, {"bound_device", found.device},
                   {"presented_by", terminal.device}, {"facility", terminal.facility},
                   {"user_facility", found.user_facility}, {"bound_facility", found.terminal_facility}, {"peer", peer},
                   {"where", where}});
        auto ending = end(found, "crossover");
        co_await std::move(ending);
        bound.crossover = true;
        co_return bound;
    }
    // The device must be admitted now, not only at the handshake: a session that outlived a
    // suspension (a racing login) would otherwise work again once the device is resumed.
    // An unreadable registry admits nobody: refuse then, but end nothing for a passing lock.
    if (admission_ && !admission_->admits(found.device)) {
        if (registry_->healthy()) {
            auto ending = end(found, "device_inactive");
            co_await std::move(ending);
        }
        co_return bound;
    }
    // A disable, reset or closed break-glass period that raced the login which made this
    // session: the registry view of the last poll decides, on every request.
    if (auto reason = why_session_ends(found, *standings_.load()); !reason.empty()) {
        auto ending = end(found, reason);
        co_await std::move(ending);
        co_return bound;
    }
    bound.session = std::move(found);
    co_return bound;
}

Task<void> AuthService::end(session::Session s, std::string reason) {
    auto erase = store_->erase(s.id_hash);
    // Another instance (or request) ended it first, and said so.
    if (!co_await std::move(erase)) co_return;
    log_event(reason == "logout" || reason == "replaced" ? spdlog::level::info : spdlog::level::warn, "session.ended",
              {{"reason", reason}, {"user", s.user}, {"session", s.id_hash.substr(0, 16)}, {"device", s.device}});
    if (ended_callback_) ended_callback_(s.id_hash);
}

Task<void> AuthService::report_ended(std::vector<session::Session> sessions, std::string reason) {
    for (auto& s : sessions) {
        log_event(spdlog::level::info, "session.ended",
                  {{"reason", reason}, {"user", s.user}, {"session", s.id_hash.substr(0, 16)}, {"device", s.device}});
        if (ended_callback_) ended_callback_(s.id_hash);
    }
    co_return;
}

} // namespace sekisho::gateway::auth
