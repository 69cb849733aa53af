#include "gateway/auth/auth_service.hpp"

#include "gateway/auth/login_policy.hpp"
#include "gateway/device_admission.hpp"
#include "gateway/log.hpp"
#include "session/session_id.hpp"
#include "store/password_hash.hpp"
#include "store/password_policy.hpp"
#include "store/password_reuse.hpp"
#include "store/sqlite_users.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <unordered_map>

namespace sekisho::gateway::auth {

namespace {

store::Argon2Params argon2_params(const config::Argon2Config& c) {
    return store::Argon2Params{c.memory_kib, c.iterations, c.parallelism};
}

store::LockoutPolicy lockout_policy(const config::LockoutConfig& c) {
    return store::LockoutPolicy{static_cast<int>(c.max_failures), c.window.count(), c.lock.count()};
}

session::FailureWindowLimits spraying_limits(unsigned max, const config::SprayingConfig& c) {
    return session::FailureWindowLimits{max, c.window.count(), c.block.count()};
}

// What a typed user name may show in a log line: bounded, so a pasted novel stays out.
std::string loggable(std::string_view typed) {
    return std::string(typed.substr(0, 64));
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

} // namespace

std::string_view to_string(LoginRefusal r) {
    switch (r) {
    case LoginRefusal::bad_credentials: return "bad_credentials";
    case LoginRefusal::too_many_attempts: return "too_many_attempts";
    case LoginRefusal::session_limit: return "session_limit";
    case LoginRefusal::facility: return "facility";
    case LoginRefusal::outside_hours: return "outside_hours";
    case LoginRefusal::break_glass_off: return "break_glass_off";
    case LoginRefusal::unavailable: return "unavailable";
    }
    return "unknown";
}

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
    store::User user;            // on success: as it was before this login
};

AuthService::AuthService(const std::string& sqlite_path, boost::asio::thread_pool& blocking,
                         std::unique_ptr<session::SessionStore> store)
    : blocking_(blocking), users_(store::open_sqlite_users(sqlite_path)), store_(std::move(store)),
      per_terminal_(session::FailureWindowLimits{}), per_source_(session::FailureWindowLimits{}) {}

AuthService::~AuthService() = default;

AuthService::Attempt AuthService::check_password_blocking(const std::string& username, const std::string& password,
                                                          const ClientIdentity& terminal, const std::string& source,
                                                          const config::Config& cfg) {
    Attempt a;
    const auto now = unix_now();
    std::optional<store::User> user;
    try {
        user = users_->get_user(username);
    } catch (const std::exception& e) {
        // The hash still runs, so that an outage does not answer faster than a refusal.
        (void)store::verify_password(password, store::dummy_hash(argon2_params(cfg.auth.argon2)));
        return Attempt{LoginRefusal::unavailable, e.what(), false, {}};
    }
    // Unknown users are checked against a dummy hash: same work, same time, same answer.
    const std::string& hash = user ? user->password_hash : store::dummy_hash(argon2_params(cfg.auth.argon2));
    const bool password_ok = store::verify_password(password, hash);
    if (!user) return Attempt{LoginRefusal::bad_credentials, "unknown_user", true, {}};
    try {
        if (user->status == store::UserStatus::disabled)
            return Attempt{LoginRefusal::bad_credentials, "disabled", !password_ok, {}};
        if (store::is_locked(*user, now)) {
            if (!password_ok) users_->record_login_failure(user->id, source, now, lockout_policy(cfg.auth.lockout));
            return Attempt{LoginRefusal::bad_credentials, "locked", !password_ok, {}};
        }
        if (!password_ok) {
            const auto failure =
                users_->record_login_failure(user->id, source, now, lockout_policy(cfg.auth.lockout));
            if (failure.locked_until)
                log_event(spdlog::level::critical, "login.locked",
                          {{"user", user->id}, {"device", terminal.device}, {"peer", source},
                           {"failures", std::to_string(failure.failures_in_window)},
                           {"until", std::to_string(*failure.locked_until)}});
            return Attempt{LoginRefusal::bad_credentials, "wrong_password", true, {}};
        }
        if (user->break_glass &&
            (!cfg.auth.break_glass.enabled || !user->break_glass_until || *user->break_glass_until <= now))
            return Attempt{LoginRefusal::break_glass_off, "break-glass account outside an enabled period", false, {}};
        if (!facility_allows_anywhere(user->facility, terminal.facility, user->roles, cfg))
            return Attempt{LoginRefusal::facility,
                           "user of facility " + user->facility + " on a terminal of " + terminal.facility, false, {}};
        if (!login_window_open(user->roles, cfg.auth.login_windows, std::chrono::system_clock::now()))
            return Attempt{LoginRefusal::outside_hours, "no login window of roles " + join(user->roles) + " is open",
                           false, {}};
        a.user = users_->record_login_success(user->id, source, now);
        a.user.roles = user->roles;
        return a;
    } catch (const std::exception& e) {
        // A disable or lock that raced this login, or a registry that stopped answering.
        return Attempt{LoginRefusal::bad_credentials, e.what(), false, {}};
    }
}

// GCC 12 reports -Wmismatched-new-delete for the coroutine frame of login() once it inlines
// Asio's frame recycling allocator (operator new and delete are the same class's pair); a
// known false positive for coroutines, silenced for this one function only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
Task<LoginResult> AuthService::login(std::string username, std::string password, ClientIdentity terminal,
                                     std::string source, std::shared_ptr<const config::Config> cfg) {
    LoginResult result;
    const auto& auth = cfg->auth;
    per_terminal_.set_limits(spraying_limits(auth.spraying.per_terminal, auth.spraying));
    per_source_.set_limits(spraying_limits(auth.spraying.per_source, auth.spraying));
    const auto started = unix_now();
    if (per_terminal_.blocked(terminal.device, started) || per_source_.blocked(source, started)) {
        log_event(spdlog::level::warn, "login.refused",
                  {{"reason", "too_many_attempts"}, {"user", loggable(username)}, {"device", terminal.device},
                   {"peer", source}, {"detail", "this terminal or address is blocked after repeated failures"}});
        result.refusal = LoginRefusal::too_many_attempts;
        co_return result;
    }

    Attempt attempt = co_await boost::asio::co_spawn(
        blocking_,
        [this, &username, &password, &terminal, &source, &cfg]() -> Task<Attempt> {
            co_return check_password_blocking(username, password, terminal, source, *cfg);
        },
        boost::asio::use_awaitable);

    if (attempt.refusal) {
        result.refusal = attempt.refusal;
        const auto level = *attempt.refusal == LoginRefusal::unavailable ? spdlog::level::err : spdlog::level::warn;
        const std::string reason(to_string(*attempt.refusal));
        log_event(level, "login.failed",
                  {{"reason", reason}, {"detail", attempt.detail}, {"user", loggable(username)},
                   {"device", terminal.device}, {"facility", terminal.facility}, {"peer", source}});
        if (attempt.password_wrong) {
            const auto now = unix_now();
            if (per_terminal_.record_failure(terminal.device, now))
                log_event(spdlog::level::critical, "login.spraying_blocked",
                          {{"scope", "terminal"}, {"device", terminal.device}, {"peer", source},
                           {"block_s", std::to_string(auth.spraying.block.count())}});
            if (per_source_.record_failure(source, now))
                log_event(spdlog::level::critical, "login.spraying_blocked",
                          {{"scope", "source"}, {"peer", source}, {"block_s", std::to_string(auth.spraying.block.count())}});
        }
        co_return result;
    }

    const auto& user = attempt.user;
    session::Session s;
    result.session_id = session::new_session_id();
    s.id_hash = session::hash_session_id(result.session_id);
    s.user = user.id;
    s.display_name = user.display_name;
    s.user_facility = user.facility;
    s.roles = user.roles;
    s.device = terminal.device;
    s.terminal_facility = terminal.facility;
    s.source = source;
    s.created_at = s.last_seen = unix_now();
    s.must_change = user.must_change;
    s.break_glass = user.break_glass;
    s.ends_at = user.break_glass ? user.break_glass_until.value_or(s.created_at) : 0;
    s.previous_login_at = user.last_login_at;
    s.previous_login_from = user.last_login_from.value_or("");
    s.failures_since = user.failed_since_success;
    // Tasks are named before co_await: GCC 12 may destroy temporaries of a co_await
    // full-expression twice.
    auto create = store_->create(s, session_limits(auth), s.created_at);
    auto created = co_await std::move(create);
    if (!created.created) {
        log_event(spdlog::level::warn, "login.failed",
                  {{"reason", "session_limit"}, {"user", user.id}, {"device", terminal.device}, {"peer", source},
                   {"detail", "the user already holds " + std::to_string(auth.sessions.max_per_user) + " sessions"}});
        result.refusal = LoginRefusal::session_limit;
        result.session_id.clear();
        co_return result;
    }
    for (const auto& old : created.evicted)
        log_event(spdlog::level::info, "session.ended",
                  {{"reason", "evicted"}, {"user", old.user}, {"session", old.id_hash.substr(0, 16)},
                   {"device", old.device}});
    log_event(s.break_glass ? spdlog::level::critical : spdlog::level::info,
              s.break_glass ? "login.break_glass" : "login.succeeded",
              {{"user", s.user}, {"roles", join(s.roles)}, {"device", terminal.device},
               {"facility", terminal.facility}, {"peer", source}, {"session", s.id_hash.substr(0, 16)},
               {"must_change", s.must_change ? "true" : "false"}});
    result.session = std::move(s);
    co_return result;
}
#pragma GCC diagnostic pop

Task<std::optional<session::Session>> AuthService::find(std::string session_id, config::AuthConfig cfg) {
    if (!session::is_well_formed_session_id(session_id)) co_return std::nullopt;
    auto touch = store_->touch(session::hash_session_id(session_id), session_limits(cfg), unix_now());
    co_return co_await std::move(touch);
}

Task<void> AuthService::end(session::Session s, std::string reason) {
    auto erase = store_->erase(s.id_hash);
    co_await std::move(erase);
    log_event(reason == "logout" ? spdlog::level::info : spdlog::level::warn, "session.ended",
              {{"reason", reason}, {"user", s.user}, {"session", s.id_hash.substr(0, 16)}, {"device", s.device}});
}

Task<PasswordChangeResult> AuthService::change_password(session::Session s, std::string current, std::string next,
                                                        config::AuthConfig cfg) {
    auto work = [this, &s, &current, &next, &cfg]() -> Task<PasswordChangeResult> {
        const auto user = users_->get_user(s.user);
        if (!user || !store::verify_password(current, user->password_hash)) {
            if (user) users_->record_login_failure(user->id, s.source, unix_now(), lockout_policy(cfg.lockout));
            co_return PasswordChangeResult{"現在のパスワードが正しくありません / The current password is wrong"};
        }
        if (auto reason = store::check_password(next, store::PasswordPolicy{}, user->id, user->display_name))
            co_return PasswordChangeResult{*reason};
        if (store::password_reused(*users_, user->id, next))
            co_return PasswordChangeResult{store::reused_password_reason(store::kPasswordHistoryDepth)};
        users_->set_password(user->id, store::hash_password(next, argon2_params(cfg.argon2)), false, user->id,
                             "changed by the user at login", store::PasswordChange::by_user);
        co_return PasswordChangeResult{};
    };
    PasswordChangeResult result;
    try {
        result = co_await boost::asio::co_spawn(blocking_, work, boost::asio::use_awaitable);
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "password.change_failed", {{"user", s.user}, {"reason", e.what()}});
        co_return PasswordChangeResult{"パスワードを変更できませんでした / The password could not be changed"};
    }
    if (result.problem) {
        log_event(spdlog::level::warn, "password.change_refused", {{"user", s.user}, {"device", s.device}});
        co_return result;
    }
    auto clear = store_->clear_must_change(s.id_hash);
    co_await std::move(clear);
    log_event(spdlog::level::info, "password.changed", {{"user", s.user}, {"device", s.device}});
    co_return result;
}

Task<void> AuthService::enforce_registry(const DeviceAdmission& admission, config::AuthConfig cfg) {
    // Users whose sessions must not go on: disabled ones, and emergency accounts whose
    // break-glass period was closed early.
    std::unordered_map<std::string, const char*> ended; // user → why
    try {
        ended = co_await boost::asio::co_spawn(
            blocking_,
            [this]() -> Task<std::unordered_map<std::string, const char*>> {
                std::unordered_map<std::string, const char*> out;
                const auto now = unix_now();
                for (const auto& u : users_->list_users()) {
                    if (u.status == store::UserStatus::disabled)
                        out.emplace(u.id, "user_disabled");
                    else if (u.break_glass && (!u.break_glass_until || *u.break_glass_until <= now))
                        out.emplace(u.id, "break_glass_closed");
                }
                co_return out;
            },
            boost::asio::use_awaitable);
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "registry.unavailable", {{"reason", e.what()}, {"detail", "user status not checked"}});
    }
    auto list = store_->list(session_limits(cfg), unix_now());
    const auto sessions = co_await std::move(list);
    for (const auto& s : sessions) {
        const auto user = ended.find(s.user);
        const char* reason = !admission.admits(s.device) ? "device_inactive"
                             : user != ended.end()        ? user->second
                                                          : nullptr;
        if (!reason) continue;
        auto ending = end(s, reason);
        co_await std::move(ending);
    }
}

} // namespace sekisho::gateway::auth
