// Sessions follow the registry: after every registry change (and every reload) the users
// whose sessions must not go on are listed, their sessions end, and the list is kept so
// that a session made by a login racing the change is refused on its next request.
#include "gateway/auth/auth_service.hpp"

#include "gateway/device_admission.hpp"
#include "gateway/log.hpp"

namespace sekisho::gateway::auth {

Task<void> AuthService::enforce_registry(const DeviceAdmission& admission, bool registry_healthy,
                                         config::AuthConfig cfg) {
    const auto now = unix_now();
    try {
        auto barred = std::make_shared<Barred>();
        for (const auto& u : users_->list_users()) {
            if (u.status == store::UserStatus::disabled)
                barred->emplace(u.id, "user_disabled");
            else if (u.break_glass && (!cfg.break_glass.enabled || !u.break_glass_until || *u.break_glass_until <= now))
                barred->emplace(u.id, "break_glass_closed");
        }
        barred_.store(std::move(barred));
    } catch (const std::exception& e) {
        // The last list stays in force; the next registry change or reload tries again.
        log_event(spdlog::level::critical, "registry.unavailable",
                  {{"reason", e.what()}, {"detail", "user status not refreshed; sessions of users disabled "
                                                    "since the last read go on until it reads again"}});
    }
    const auto barred = barred_.load();
    auto list = store_->list(session_limits(cfg), now);
    const auto sessions = co_await std::move(list);
    for (const auto& s : sessions) {
        std::string reason;
        // An unreadable registry admits no device; ending every session on top of that
        // would log the whole hospital out for a passing lock: handshakes already fail closed.
        if (registry_healthy && !admission.admits(s.device))
            reason = "device_inactive";
        else if (auto it = barred->find(s.user); it != barred->end())
            reason = it->second;
        if (reason.empty()) continue;
        auto ending = end(s, reason);
        co_await std::move(ending);
    }
}

Task<std::size_t> AuthService::sweep_sessions(config::AuthConfig cfg) {
    const auto limits = session_limits(cfg);
    const auto now = unix_now();
    auto expire = store_->expire(limits, now);
    const auto expired = co_await std::move(expire);
    for (const auto& s : expired) {
        const auto reason = session::expiry_reason(s, limits, now);
        log_event(spdlog::level::info, "session.expired",
                  {{"reason", reason.empty() ? "expired" : reason}, {"user", s.user},
                   {"session", s.id_hash.substr(0, 16)}, {"device", s.device}, {"facility", s.terminal_facility},
                   {"idle_s", std::to_string(now - s.last_seen)}});
        if (ended_callback_) ended_callback_(s);
    }
    auto list = store_->list(limits, now);
    const auto sessions = co_await std::move(list);
    co_return sessions.size();
}

} // namespace sekisho::gateway::auth
