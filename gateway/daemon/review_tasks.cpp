// The periodic review's background duties (issue 16 item 5), kept by the control thread with
// the registry work on the blocking pool — never on an I/O thread, never per request:
// * the terminals admitted since the last flush go to the registry as their last-seen time,
//   every registry.last_seen_flush (each device at most once an hour: device_sightings.hpp);
// * with auth.disable_unused_after set, unused accounts are disabled — soon after the start,
//   when a reload changes the period, and then daily (review/unused_accounts.hpp).
#include "gateway/daemon/server_impl.hpp"

#include "review/unused_accounts.hpp"

namespace sekisho::gateway {

namespace {

// Who the ledger names for the policy's disables.
constexpr const char* kUnusedActor = "gateway:disable-unused";

} // namespace

Task<void> Server::Impl::keep_review_records() {
    using std::chrono::steady_clock;
    using namespace std::chrono_literals;
    asio::steady_timer timer(control);
    auto next_flush = steady_clock::now() + runtime.current()->config.registry.last_seen_flush;
    auto next_unused = steady_clock::now();
    std::optional<std::int64_t> applied_days; // the period of the last run
    for (;;) {
        timer.expires_after(1s);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || draining.load()) co_return;
        const auto rt = runtime.current();
        const auto now = steady_clock::now();
        if (now >= next_flush) {
            next_flush = now + rt->config.registry.last_seen_flush;
            auto flush = asio::co_spawn(
                blocking, [this]() -> Task<void> { flush_sightings(); co_return; }, asio::use_awaitable);
            co_await std::move(flush);
        }
        const auto& policy = rt->config.auth.disable_unused_after;
        const std::optional<std::int64_t> days = policy ? std::optional(policy->count() / 86400) : std::nullopt;
        if (days && (now >= next_unused || days != applied_days)) {
            next_unused = now + 24h;
            applied_days = days;
            auto run = asio::co_spawn(
                blocking, [this, period = *days]() -> Task<bool> { co_return disable_unused_accounts(period); },
                asio::use_awaitable);
            if (!co_await std::move(run)) next_unused = now + 1h; // the registry could not be read
        }
    }
}

void Server::Impl::flush_sightings() {
    if (!sightings || !registry) return;
    auto batch = sightings->take(store::system_clock_now());
    if (batch.empty()) return;
    try {
        const auto moved = registry->devices().record_seen(batch);
        metrics.last_seen_flush(true);
        log_event(spdlog::level::debug, "device.last_seen_recorded",
                  {{"sightings", std::to_string(batch.size())}, {"devices_moved", std::to_string(moved)}});
    } catch (const store::RegistryUnavailable& e) {
        metrics.last_seen_flush(false);
        const auto kept = batch.size();
        sightings->put_back(std::move(batch));
        log_event(spdlog::level::warn, "device.last_seen_failed",
                  {{"reason", e.what()}, {"detail", std::to_string(kept) + " sightings kept for the next flush"}});
    } catch (const std::exception& e) {
        metrics.last_seen_flush(false);
        log_event(spdlog::level::err, "device.last_seen_failed",
                  {{"reason", e.what()}, {"detail", std::to_string(batch.size()) + " sightings dropped"}});
    }
}

bool Server::Impl::disable_unused_accounts(std::int64_t days) {
    try {
        const auto outcome =
            review::disable_unused_accounts(registry->users(), days, kUnusedActor, false, store::system_clock_now());
        for (const auto& account : outcome.accounts) {
            if (account.kept_because.empty()) {
                metrics.account_disabled_unused();
                log_event(spdlog::level::warn, "user.disabled_unused",
                          {{"user", account.user.id}, {"facility", account.user.facility},
                           {"idle_days", std::to_string(account.idle_days)},
                           {"reason", review::unused_reason(account, days)}});
            } else {
                log_event(spdlog::level::info, "user.unused_kept",
                          {{"user", account.user.id}, {"idle_days", std::to_string(account.idle_days)},
                           {"reason", account.kept_because}});
            }
        }
        for (const auto& failure : outcome.failures)
            log_event(spdlog::level::err, "user.disable_unused_failed", {{"reason", failure}});
        return true;
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "user.disable_unused_failed",
                  {{"reason", e.what()}, {"detail", "tried again in an hour"}});
        return false;
    }
}

} // namespace sekisho::gateway
