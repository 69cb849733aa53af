// Sessions follow the registry: after every registry change (and every reload) each user's
// standing is read (disabled, session epoch, facility, roles), the sessions it no longer
// covers end, and the standings are kept so that a session made by a login racing the
// change is refused on its next request.
#include "gateway/auth/auth_service.hpp"

#include "gateway/tls/device_admission.hpp"
#include "gateway/events/log.hpp"

#include <algorithm>

namespace sekisho::gateway::auth {

std::string AuthService::why_session_ends(const session::Session& s, const Standings& standings) {
    const auto it = standings.find(s.user);
    if (it == standings.end()) return {}; // created since the last read: the next one decides
    const Standing& st = it->second;
    // The login that made this session read the user after this list was taken (a break-glass
    // period opened, an account re-enabled with a new epoch): its checks are the newer ones,
    // and the next read, which that change triggers, decides.
    if (s.user_epoch > st.session_epoch) return {};
    if (!st.barred.empty()) return st.barred;
    if (s.user_epoch < st.session_epoch) return "account_changed"; // an administrator's reset
    if (s.user_facility != st.facility) return "facility_changed";
    const auto lost = [&](const std::string& role) {
        return std::find(st.roles.begin(), st.roles.end(), role) == st.roles.end();
    };
    if (std::any_of(s.roles.begin(), s.roles.end(), lost)) return "roles_changed";
    return {};
}

Task<bool> AuthService::enforce_registry(const DeviceAdmission& admission, bool registry_healthy,
                                         config::AuthConfig cfg) {
    const auto now = unix_now();
    bool refreshed = true;
    try {
        auto standings = std::make_shared<Standings>();
        for (auto& u : users_.list_users()) {
            Standing& st = (*standings)[u.id];
            if (u.status == store::UserStatus::disabled)
                st.barred = "user_disabled";
            else if (u.break_glass && (!cfg.break_glass.enabled || !u.break_glass_until || *u.break_glass_until <= now))
                st.barred = "break_glass_closed";
            st.session_epoch = u.session_epoch;
            st.facility = std::move(u.facility);
            st.roles = std::move(u.roles);
        }
        standings_.store(std::move(standings));
        standings_stale_ = false;
    } catch (const std::exception& e) {
        // The last list stays in force; the watch tries again at its next tick, every half
        // second: said once per outage, not at each try.
        refreshed = false;
        if (!standings_stale_)
            log_event(spdlog::level::critical, "registry.unavailable",
                      {{"reason", e.what()}, {"detail", "user status not refreshed; sessions of users disabled "
                                                        "since the last read go on until it reads again"}});
        standings_stale_ = true;
    }
    const auto standings = standings_.load();
    try {
        auto list = store_->list(session_limits(cfg), now);
        const auto sessions = co_await std::move(list);
        for (const auto& s : sessions) {
            std::string reason;
            // An unreadable registry admits no device; ending every session on top of that
            // would log the whole hospital out for a passing lock: handshakes already fail closed.
            if (registry_healthy && !admission.admits(s.device))
                reason = "device_inactive";
            else
                reason = why_session_ends(s, *standings);
            if (reason.empty()) continue;
            auto ending = end(s, reason);
            co_await std::move(ending);
        }
        store_answered();
    } catch (const session::StoreUnavailable& e) {
        // Every request is still held against the standings (find_bound); the ends that
        // close connections come when the store answers again.
        store_failed(e, "registry enforcement");
        refreshed = false;
    }
    co_return refreshed;
}

Task<std::optional<std::size_t>> AuthService::sweep_sessions(config::AuthConfig cfg) {
    const auto limits = session_limits(cfg);
    const auto now = unix_now();
    std::vector<session::Session> expired;
    std::size_t live = 0;
    try {
        auto expire = store_->expire(limits, now);
        expired = co_await std::move(expire);
        auto count = store_->count(limits, now);
        live = co_await std::move(count);
        store_answered();
    } catch (const session::StoreUnavailable& e) {
        store_failed(e, "session sweep");
        co_return std::nullopt;
    }
    for (const auto& s : expired) {
        const auto reason = session::expiry_reason(s, limits, now);
        log_event(spdlog::level::info, "session.expired",
                  {{"reason", reason.empty() ? "expired" : reason}, {"user", s.user},
                   {"session", s.id_hash.substr(0, 16)}, {"device", s.device}, {"facility", s.terminal_facility},
                   {"idle_s", std::to_string(now - s.last_seen)}});
        if (ended_callback_) ended_callback_(s.id_hash);
    }
    co_return live;
}

} // namespace sekisho::gateway::auth
