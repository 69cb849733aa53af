// What the administration API (gateway/admin/admin_api.*) asks of the AuthService: an
// administrator's password checked like any login's, and sessions listed and ended.
#include "gateway/auth/auth_service.hpp"

#include "gateway/auth/auth_support.hpp"
#include "gateway/events/log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sekisho::gateway::auth {
namespace {

using OperatorCheck = AuthService::OperatorCheck;

OperatorCheck refused(std::string why, bool unavailable = false) {
    OperatorCheck check;
    check.refusal = std::move(why);
    check.unavailable = unavailable;
    return check;
}

} // namespace

Task<OperatorCheck> AuthService::check_operator(std::string username, std::string password, ClientIdentity certificate,
                                                std::string source, std::shared_ptr<const config::Config> cfg) {
    const auto now = unix_now();
    OperatorCheck result;
    auto slot = in_flight_.acquire({"terminal:" + certificate.device, "source:" + source});
    if (slot.empty()) {
        result = refused("too many logins in flight from this certificate or address");
    } else {
        auto asking = spraying_blocked(certificate, source, now);
        if (auto blocked = co_await std::move(asking))
            result = refused(*blocked, blocked->find("unavailable") != std::string::npos);
    }
    bool password_wrong = false;
    if (result.refusal.empty()) {
        auto verifying = verify_password(username, password, *cfg);
        Verified verified = co_await std::move(verifying);
        Account& account = verified.account;
        const bool password_ok = verified.password_ok;
        password_wrong = !password_ok;
        auto judged = boost::asio::co_spawn(
            blocking_,
            [&]() -> Task<OperatorCheck> {
                if (!account.unavailable.empty()) co_return refused(account.unavailable, true);
                auto& user = account.user;
                if (!user) co_return refused("unknown_user");
                if (user->status == store::UserStatus::disabled) co_return refused("disabled");
                if (store::is_locked(*user, now)) {
                    if (!password_ok) (void)record_failure(user->id, source, now, cfg->auth);
                    co_return refused("locked");
                }
                if (!password_ok) {
                    const auto failure = record_failure(user->id, source, now, cfg->auth);
                    if (failure.locked_until) on_locked(*user, certificate, source, failure);
                    co_return refused("wrong_password");
                }
                if (user->break_glass &&
                    (!cfg->auth.break_glass.enabled || !user->break_glass_until || *user->break_glass_until <= now))
                    co_return refused("break-glass account outside an open period");
                // must_change is the API's to judge: the administrator may change the password.
                try {
                    // The same record as a login: last login, failures cleared, ledger user.login.
                    OperatorCheck ok;
                    ok.user = logins_.record_login_success(user->id, source, now);
                    ok.user->last_login_at = now;
                    ok.user->last_login_from = source;
                    co_return ok;
                } catch (const std::exception& e) {
                    co_return refused(e.what());
                }
            },
            boost::asio::use_awaitable);
        result = co_await std::move(judged);
    }
    if (password_wrong) {
        auto counting = count_failure(certificate, source, cfg->auth);
        co_await std::move(counting);
    }
    if (!result.user) {
        log_event(result.unavailable ? spdlog::level::err : spdlog::level::warn, "admin.login_refused",
                  {{"reason", result.refusal}, {"user", loggable_user(username)}, {"peer", source},
                   {"certificate", certificate.subject}});
    }
    co_return result;
}

Task<std::vector<session::Session>> AuthService::list_sessions(config::AuthConfig cfg) {
    auto listing = store_->list(session_limits(cfg), unix_now());
    co_return co_await std::move(listing);
}

Task<std::size_t> AuthService::end_sessions(std::vector<session::Session> sessions, std::string reason) {
    std::size_t ended = 0;
    for (auto& s : sessions) {
        auto erase = store_->erase(s.id_hash);
        if (!co_await std::move(erase)) continue; // ended meanwhile, and reported by whoever did
        ++ended;
        log_event(spdlog::level::warn, "session.ended",
                  {{"reason", reason}, {"user", s.user}, {"session", s.id_hash.substr(0, 16)}, {"device", s.device}});
        if (ended_callback_) ended_callback_(s.id_hash);
    }
    co_return ended;
}

} // namespace sekisho::gateway::auth
