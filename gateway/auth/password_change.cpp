// The user's own password change (after a reset, or by choice): the current password is
// a login in disguise, so it is refused while locked or disabled and a wrong one counts
// like a failed login; a change ends the user's other sessions.
#include "gateway/auth/auth_service.hpp"

#include "gateway/auth/auth_support.hpp"
#include "gateway/events/log.hpp"
#include "credentials/password_policy.hpp"
#include "credentials/password_reuse.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sekisho::gateway::auth {

namespace {

const char* const kWrongCurrent = "現在のパスワードが正しくありません / The current password is wrong";
const char* const kTooMany =
    "パスワード変更の試行が多すぎます。しばらくしてから再度お試しください / Too many attempts; try again later";

} // namespace

// Blocking pool: who the user is now, and the hashes a new password must not repeat.
AuthService::ChangeRead AuthService::read_for_change(const std::string& user_id) {
    ChangeRead read;
    read.user = users_.get_user(user_id);
    read.barred = !read.user || read.user->status == store::UserStatus::disabled ||
                  store::is_locked(*read.user, unix_now());
    if (!read.barred) read.history = users_.password_history(user_id);
    return read;
}

// Hashing pool: the current password, the policy, the history, the new hash.
AuthService::ChangeChecked AuthService::check_change(const ChangeRead& read, const std::string& current,
                                                     const std::string& next, const config::AuthConfig& auth) {
    ChangeChecked checked;
    if (read.barred) {
        if (read.user) (void)verify_yielding(current, read.user->password_hash); // same time as below
        return checked;
    }
    checked.current_ok = verify_yielding(current, read.user->password_hash);
    if (!checked.current_ok) return checked;
    if (auto reason = credentials::check_password(next, password_policy(auth), read.user->id, read.user->display_name)) {
        checked.problem = *reason;
        return checked;
    }
    if (reused_yielding(next, read.history)) {
        checked.problem = credentials::reused_password_reason(store::kPasswordHistoryDepth);
        return checked;
    }
    checked.new_hash = hash_yielding(next, argon2_params(auth.argon2));
    return checked;
}

// Blocking pool: a wrong current password counts like a failed login; a good change is stored.
AuthService::ChangeOutcome AuthService::write_change(const ChangeRead& read, ChangeChecked checked,
                                                     const ClientIdentity& terminal, const std::string& source,
                                                     const config::AuthConfig& auth) {
    if (read.barred) return ChangeOutcome{kWrongCurrent};
    if (!checked.current_ok) {
        const auto failure = record_failure(read.user->id, source, unix_now(), auth);
        if (failure.locked_until) on_locked(*read.user, terminal, source, failure);
        return ChangeOutcome{kWrongCurrent, true, failure.locked_until.has_value()};
    }
    if (checked.problem) return ChangeOutcome{checked.problem};
    users_.set_password(read.user->id, std::move(checked.new_hash), false, read.user->id,
                        "changed by the user at the gateway", store::PasswordChange::by_user);
    return ChangeOutcome{};
}

Task<PasswordChangeResult> AuthService::change_password(session::Session s, std::string current, std::string next,
                                                        ClientIdentity terminal, std::string source,
                                                        std::shared_ptr<const config::Config> cfg) {
    const auto& auth = cfg->auth;
    // At most two changes in flight per user, terminal or address, and none while they are
    // blocked: each makes up to 2 + store::kPasswordHistoryDepth Argon2id runs.
    auto slot = in_flight_.acquire({"user:" + s.user, "terminal:" + terminal.device, "source:" + source});
    std::optional<std::string> blocked;
    if (slot.empty()) {
        blocked = "too many changes in flight";
    } else {
        auto asking = spraying_blocked(terminal, source, unix_now());
        blocked = co_await std::move(asking);
    }
    if (blocked) {
        log_event(spdlog::level::warn, "password.change_refused",
                  {{"user", s.user}, {"device", terminal.device}, {"peer", source}, {"reason", "too_many_attempts"}});
        co_return PasswordChangeResult{kTooMany};
    }
    // Three hops, like a login: the registry is read and written on the blocking pool (its
    // threads hold SQLite's locks), every hash runs on the hashing pool (idle class, with
    // preemption points: it shares the I/O threads' core), so a change never holds a
    // SQLite thread for its hashes.
    ChangeOutcome outcome;
    try {
        auto read = boost::asio::co_spawn(
            blocking_, [&]() -> Task<ChangeRead> { co_return read_for_change(s.user); }, boost::asio::use_awaitable);
        const ChangeRead account = co_await std::move(read);
        auto check = boost::asio::co_spawn(
            hashing_, [&]() -> Task<ChangeChecked> { co_return check_change(account, current, next, auth); },
            boost::asio::use_awaitable);
        ChangeChecked checked = co_await std::move(check);
        auto write = boost::asio::co_spawn(
            blocking_,
            [&]() -> Task<ChangeOutcome> { co_return write_change(account, std::move(checked), terminal, source, auth); },
            boost::asio::use_awaitable);
        outcome = co_await std::move(write);
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "password.change_failed", {{"user", s.user}, {"reason", e.what()}});
        co_return PasswordChangeResult{"パスワードを変更できませんでした / The password could not be changed"};
    }
    if (outcome.problem) {
        log_event(spdlog::level::warn, "password.change_refused",
                  {{"user", s.user}, {"device", terminal.device}, {"peer", source},
                   {"wrong_current", outcome.wrong_current ? "true" : "false"}});
        if (outcome.wrong_current) {
            auto counting = count_failure(terminal, source, auth);
            co_await std::move(counting);
        }
        if (outcome.locked_now) {
            auto ending = end(s, "locked");
            co_await std::move(ending);
        }
        co_return PasswordChangeResult{outcome.problem};
    }
    auto clear = store_->clear_must_change(s.id_hash);
    co_await std::move(clear);
    auto others = store_->erase_user(s.user, s.id_hash);
    auto ended = co_await std::move(others);
    auto report = report_ended(std::move(ended), "password_changed");
    co_await std::move(report);
    log_event(spdlog::level::info, "password.changed", {{"user", s.user}, {"device", terminal.device}, {"peer", source}});
    co_return PasswordChangeResult{};
}

} // namespace sekisho::gateway::auth
