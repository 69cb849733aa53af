// The user's own password change (after a reset, or by choice): the current password is
// a login in disguise, so it is refused while locked or disabled and a wrong one counts
// like a failed login; a change ends the user's other sessions.
#include "gateway/auth/auth_service.hpp"

#include "gateway/auth/auth_support.hpp"
#include "gateway/events/log.hpp"
#include "credentials/password_hash.hpp"
#include "credentials/password_policy.hpp"
#include "credentials/password_reuse.hpp"
#include "worker/preemption_points.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sekisho::gateway::auth {

namespace {

const char* const kWrongCurrent = "現在のパスワードが正しくありません / The current password is wrong";
const char* const kTooMany =
    "パスワード変更の試行が多すぎます。しばらくしてから再度お試しください / Too many attempts; try again later";

struct ChangeOutcome {
    std::optional<std::string> problem;
    bool wrong_current = false;
    bool locked_now = false; // this failure locked the account: the session ends
};

} // namespace

Task<PasswordChangeResult> AuthService::change_password(session::Session s, std::string current, std::string next,
                                                        ClientIdentity terminal, std::string source,
                                                        std::shared_ptr<const config::Config> cfg) {
    const auto& auth = cfg->auth;
    // Up to 2 + store::kPasswordHistoryDepth Argon2id runs on the blocking pool (the current
    // password, the history, the new hash), so a change holds a slot like a login does: at
    // most two in flight per user, terminal or address, and none while they are blocked.
    auto slot = in_flight_.acquire({"user:" + s.user, "terminal:" + terminal.device, "source:" + source});
    if (const auto now = unix_now();
        slot.empty() || per_terminal_.blocked(terminal.device, now) || per_source_.blocked(source, now)) {
        log_event(spdlog::level::warn, "password.change_refused",
                  {{"user", s.user}, {"device", terminal.device}, {"peer", source}, {"reason", "too_many_attempts"}});
        co_return PasswordChangeResult{kTooMany};
    }
    // Every hash with preemption points: the pool's threads share the I/O threads' core
    // (worker/preemption_points.hpp). Each guard in a plain function of its own: a guard
    // belongs to one thread, and the body of a coroutine may move between threads.
    const auto verify = [](const std::string& password, const std::string& encoded) {
        const worker::PreemptionPoints yield_often;
        return credentials::verify_password(password, encoded);
    };
    auto work = [&]() -> Task<ChangeOutcome> {
        const auto now = unix_now();
        const auto user = users_.get_user(s.user);
        if (!user || user->status == store::UserStatus::disabled || store::is_locked(*user, now)) {
            if (user) (void)verify(current, user->password_hash); // same time as below
            co_return ChangeOutcome{kWrongCurrent};
        }
        if (!verify(current, user->password_hash)) {
            const auto failure = users_.record_login_failure(user->id, source, now, lockout_policy(auth.lockout));
            if (failure.locked_until) on_locked(user->id, terminal, source, failure);
            co_return ChangeOutcome{kWrongCurrent, true, failure.locked_until.has_value()};
        }
        if (auto reason = credentials::check_password(next, password_policy(auth), user->id, user->display_name))
            co_return ChangeOutcome{*reason};
        const bool reused = [&, history = users_.password_history(user->id)] {
            const worker::PreemptionPoints yield_often;
            return credentials::password_reused(next, history);
        }();
        if (reused)
            co_return ChangeOutcome{credentials::reused_password_reason(store::kPasswordHistoryDepth)};
        std::string hashed = [&] {
            const worker::PreemptionPoints yield_often;
            return credentials::hash_password(next, argon2_params(auth.argon2));
        }();
        users_.set_password(user->id, std::move(hashed), false, user->id,
                             "changed by the user at the gateway", store::PasswordChange::by_user);
        co_return ChangeOutcome{};
    };
    ChangeOutcome outcome;
    try {
        auto change = boost::asio::co_spawn(blocking_, work, boost::asio::use_awaitable);
        outcome = co_await std::move(change);
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "password.change_failed", {{"user", s.user}, {"reason", e.what()}});
        co_return PasswordChangeResult{"パスワードを変更できませんでした / The password could not be changed"};
    }
    if (outcome.problem) {
        log_event(spdlog::level::warn, "password.change_refused",
                  {{"user", s.user}, {"device", terminal.device}, {"peer", source},
                   {"wrong_current", outcome.wrong_current ? "true" : "false"}});
        if (outcome.wrong_current) count_failure(terminal, source, auth);
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
