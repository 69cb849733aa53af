// TLS session-ticket keys rotate by themselves: once a minute the ring is refreshed from its
// source (this process, or Redis for instances that share sessions) for the period the
// clock is in, so a new key takes over at each period's start without a restart, the
// previous one still opens tickets for one more period, and the next is known before it
// is needed. The keys themselves never reach a log.
#include "gateway/daemon/server_impl.hpp"

#include <boost/asio/use_future.hpp>

namespace sekisho::gateway {

namespace {

std::int64_t period_now(const config::Config& cfg) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::seconds>(now).count() / cfg.tls.session_ticket_rotation.count();
}

} // namespace

Task<bool> Server::Impl::refresh_ticket_keys() {
    const auto rt = runtime.current();
    const auto period = period_now(rt->config);
    std::string failure;
    try {
        auto asking = ticket_source->around(period);
        auto keys = co_await std::move(asking);
        const auto previous = ticket_keys.current_period();
        if (ticket_keys.install(std::move(keys), period)) {
            if (previous != period)
                log_event(spdlog::level::info, "tls.ticket_keys_rotated",
                          {{"period", std::to_string(period)},
                           {"every_s", std::to_string(rt->config.tls.session_ticket_rotation.count())}});
            ticket_keys_failing = false;
            co_return true;
        }
        failure = "no key of the current period could be opened (sealed under another cluster.secret_file?)";
    } catch (const std::exception& e) {
        failure = e.what();
    }
    if (!ticket_keys_failing)
        log_event(spdlog::level::err, "tls.ticket_keys_unavailable",
                  {{"reason", failure},
                   {"detail", "tickets stay under the keys in use; resumption on other instances may fall back "
                              "to a full handshake until the keys can be read"}});
    ticket_keys_failing = true;
    co_return false;
}

void Server::Impl::load_ticket_keys_before_serving() {
    auto done = asio::co_spawn(session_io.io, refresh_ticket_keys(), asio::use_future);
    (void)done.get();
}

Task<void> Server::Impl::rotate_ticket_keys() {
    asio::steady_timer timer(control);
    for (;;) {
        timer.expires_after(std::chrono::seconds(60));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || draining.load()) co_return;
        auto refresh = refresh_ticket_keys();
        co_await std::move(refresh);
    }
}

} // namespace sekisho::gateway
