// What a login shares with the other instances besides the registry: the spraying windows
// (failures per terminal and per address) and the session store's outages, said once each.
#include "gateway/auth/auth_service.hpp"

#include "gateway/events/log.hpp"

namespace sekisho::gateway::auth {

void AuthService::store_failed(const std::exception& e, std::string_view where) {
    if (!store_down_.exchange(true))
        log_event(spdlog::level::critical, "session.store_unavailable",
                  {{"store", store_->describe()}, {"reason", e.what()}, {"where", where},
                   {"detail", "requests that need a session are answered 503 and logins refused until it answers"}});
}

void AuthService::store_answered() {
    if (store_down_.exchange(false))
        log_event(spdlog::level::warn, "session.store_available", {{"store", store_->describe()}});
}

Task<void> AuthService::count_failure(ClientIdentity terminal, std::string source, config::AuthConfig cfg) {
    const auto now = unix_now();
    const auto block = std::to_string(cfg.spraying.block.count());
    try {
        auto by_terminal = per_terminal_->record_failure(terminal.device, now);
        if (co_await std::move(by_terminal))
            log_event(spdlog::level::critical, "login.spraying_blocked",
                      {{"scope", "terminal"}, {"device", terminal.device}, {"facility", terminal.facility},
                       {"peer", source}, {"block_s", block}});
        auto by_source = per_source_->record_failure(source, now);
        if (co_await std::move(by_source))
            log_event(spdlog::level::critical, "login.spraying_blocked",
                      {{"scope", "source"}, {"peer", source}, {"block_s", block}});
    } catch (const session::StoreUnavailable& e) {
        // Uncounted, and the next attempt is refused anyway: blocked() cannot answer either.
        store_failed(e, "spraying window");
    }
}

Task<std::optional<std::string>> AuthService::spraying_blocked(const ClientIdentity& terminal,
                                                               const std::string& source, session::UnixSeconds now) {
    try {
        auto by_terminal = per_terminal_->blocked(terminal.device, now);
        if (co_await std::move(by_terminal)) co_return "this terminal or address is blocked after repeated failures";
        auto by_source = per_source_->blocked(source, now);
        if (co_await std::move(by_source)) co_return "this terminal or address is blocked after repeated failures";
        co_return std::nullopt;
    } catch (const session::StoreUnavailable& e) {
        store_failed(e, "spraying window");
        co_return "the failure counters cannot be read (session store unavailable)";
    }
}

} // namespace sekisho::gateway::auth
