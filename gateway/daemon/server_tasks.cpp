// The control thread's work: reloads, the registry watch (revocations, sessions, the CRL,
// the ledger copy), the health watch, and the drain at shutdown.
#include "gateway/daemon/server_impl.hpp"

#include "gateway/events/refusal_records.hpp"
#include "gateway/listener/accept_loop.hpp"

#include <malloc.h>

namespace sekisho::gateway {

namespace {

// The registry is opened once, at start: a move to another file, database or backend waits
// for a restart.
bool same_registry(const config::RegistryConfig& a, const config::RegistryConfig& b) {
    return a.sqlite == b.sqlite && a.postgresql.has_value() == b.postgresql.has_value() &&
           (!a.postgresql || a.postgresql->url == b.postgresql->url);
}

} // namespace

// The main listener: its sockets go round the workers, each served on its worker's thread.
Task<void> Server::Impl::accept_loop() {
    std::size_t next = 0;
    AcceptLoop loop;
    loop.limits = &main_limits; // limits.max_connections(_per_source)
    loop.stopping = [this] { return draining.load(); };
    loop.on_error = [](const boost::system::error_code& ec) { // logged once a minute
        log_refusal(spdlog::level::warn, "accept.failed", "accept", "main", {{"detail", ec.message()}});
    };
    loop.socket_executor = [this, &next] {
        auto& worker = *workers[next];
        next = (next + 1) % workers.size();
        return asio::any_io_executor(worker.io.get_executor());
    };
    loop.serve = [this](tcp::socket socket, ConnectionLimits::Slot slot, Peer client) {
        serve_on_its_worker(std::move(socket), std::move(slot), std::move(client));
    };
    loop.proxy_protocol = [this] {
        auto rt = runtime.current();
        return std::shared_ptr<const config::ProxyProtocolConfig>(rt, &rt->config.proxy_protocol);
    };
    loop.proxy_counters = &main_proxy;
    co_await gateway::accept_loop(*acceptor, std::move(loop));
}

// A PROXY header may complete after later accepts: the socket's own executor, not the turn
// of the round, says which worker serves it.
void Server::Impl::serve_on_its_worker(tcp::socket socket, ConnectionLimits::Slot slot, Peer client) {
    const auto& owner = asio::query(socket.get_executor(), asio::execution::context);
    for (std::size_t i = 0; i < workers.size(); ++i) {
        if (&workers[i]->io != &owner) continue;
        asio::co_spawn(workers[i]->io,
                       serve_connection(std::move(socket), runtime.current(), *contexts[i], std::move(slot),
                                        std::move(client)),
                       asio::detached);
        return;
    }
}

void Server::Impl::configure_limits(const config::LimitsConfig& l) {
    main_limits.configure(l.max_connections, l.max_connections_per_source);
    enrollment_limits.configure(l.enrollment_max_connections, l.enrollment_max_connections_per_source);
    admin_limits.configure(l.admin_max_connections, l.admin_max_connections_per_source);
}

void Server::Impl::reload() {
    const auto old = runtime.current();
    try {
        auto cfg = config::load_file(config_path);
        if (cfg.listen.to_string() != old->config.listen.to_string() ||
            cfg.workers != old->config.workers)
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "listen and workers changes take effect after a restart"}});
        if (cfg.admin.tls.has_value() != old->config.admin.tls.has_value())
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "adding or removing admin.tls takes effect after a restart (its files and CRLs "
                                  "are re-read at every reload)"}});
        if (!same_registry(cfg.registry, old->config.registry))
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "registry.sqlite and registry.postgresql changes take effect after a restart"}});
        const auto issuing_cas = [](const config::EnrollmentConfig& e) {
            std::vector<std::string> out;
            const auto add = [&out](const config::IssuingCaConfig& ca) {
                out.push_back(ca.name + "|" + ca.certificate + "|" + ca.key + "|" + ca.crl);
            };
            add(e.ca);
            for (const auto& ca : e.previous_cas) add(ca);
            return out;
        };
        if (issuing_cas(cfg.enrollment) != issuing_cas(old->config.enrollment))
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "enrollment.ca and enrollment.previous_cas changes take effect after a restart "
                                  "(tls.client_ca and tls.crl, the trust, change now)"}});
        const auto& sessions = cfg.auth.sessions;
        const auto& was = old->config.auth.sessions;
        if (sessions.store != was.store || sessions.redis.url != was.redis.url ||
            sessions.redis.username != was.redis.username || sessions.redis.password_file != was.redis.password_file ||
            sessions.redis.key_prefix != was.redis.key_prefix || cfg.cluster.secret_file != old->config.cluster.secret_file)
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "auth.sessions.store, auth.sessions.redis and cluster.secret_file changes take "
                                  "effect after a restart"}});
        auto next = build_runtime(std::move(cfg), ticket_keys, ++generation, admission.get());
        const auto key_changes =
            key_events(&old->assertion_keys, next->assertion_keys, keep_previous_for(next->config));
        configure_logging(next->config.log);
        if (auth) auth->configure(next->config.auth);
        if (registry_watch) registry_watch->set_max_staleness(next->config.registry.max_staleness);
        if (alerts) alerts->configure(next->config.alerts);
        configure_limits(next->config.limits);
        runtime.replace(std::move(next));
        // Kept-alive connections were admitted under the old rules: the idle ones and the
        // WebSocket tunnels close now, the busy ones after their current request.
        // Pooled upstream connections are keyed by generation and would never be used again.
        for (auto& w : workers)
            asio::post(w->io, [&w] {
                w->assertions.clear();
                w->registry.close_where([](const ConnectionRegistry::Entry& e) { return e.idle || e.tunnel; });
                w->pool->clear();
            });
        metrics.config_reload(true);
        log_key_events(key_changes);
        enforce_pending = true; // e.g. break-glass switched off: its sessions end
        log_event(spdlog::level::info, "config.reloaded",
                  {{"file", config_path}, {"generation", std::to_string(generation)},
                   {"routes", std::to_string(runtime.current()->config.routes.size())},
                   {"crls", std::to_string(runtime.current()->listener_tls.verifier->crl_count())}});
        check_health(); // a CRL just published (or one already expired) is judged now, not a minute later
    } catch (const std::exception& e) {
        metrics.config_reload(false);
        log_event(spdlog::level::err, "config.reload_failed",
                  {{"file", config_path}, {"reason", e.what()}, {"detail", "the previous configuration stays in force"}});
    }
}

// Suspensions and revocations in the registry reach the gateway within one poll: new and
// resumed handshakes are refused at once, and live connections of the device are closed.
// With a shared registry, another instance's write also wakes the poll at once (NOTIFY); the
// half-second poll stays, for a lost notification and for SQLite. Wake-ups poll at most 20
// times a second (any role allowed to connect could send NOTIFYs), and the periodic work
// below keeps its own clock, so no flood of them can hold it off.
Task<void> Server::Impl::watch_registry() {
    using std::chrono::steady_clock;
    using namespace std::chrono_literals;
    asio::steady_timer timer(control);
    registry_timer = &timer;
    struct Forget { // a wake-up posted after this loop ended must not reach the timer
        asio::steady_timer*& timer;
        ~Forget() { timer = nullptr; }
    } forget{registry_timer};
    try {
        registry_signal = registry->signal_changes([this] {
            asio::post(control, [this] {
                registry_wake_pending = true;
                if (registry_timer) registry_timer->cancel();
            });
        });
    } catch (const std::exception& e) { // the half-second poll still finds every change
        log_event(spdlog::level::err, "registry.signal_failed",
                  {{"reason", e.what()}, {"detail", "changes are found by the 0.5 s poll alone"}});
    }
    auto next_superseded = steady_clock::now() + 5s, next_crl = steady_clock::now() + 60s;
    auto next_dashboard = steady_clock::now() + 5s, next_sweep = steady_clock::now() + 5s;
    for (;;) {
        boost::system::error_code ec;
        if (!registry_wake_pending) {
            timer.expires_after(500ms);
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (draining.load() || (ec && ec != asio::error::operation_aborted)) co_return;
        const bool woken = registry_wake_pending || ec;
        registry_wake_pending = false;
        const auto now = steady_clock::now();
        // Nothing may stop this loop: it is what makes revocations bite.
        try {
            const bool changed = registry_watch->poll();
            if (changed) disconnect_unadmitted();
            if (changed) copy_ledger();
            if ((changed || enforce_pending) && auth) {
                // Sessions of disabled users and of terminals no longer admitted end at once.
                enforce_pending = false;
                auto enforce = auth->enforce_registry(*admission, registry_watch->healthy(),
                                                      runtime.current()->config.auth);
                // Users unreadable: again at the next tick (no login bumps the revision to
                // make it happen by chance).
                if (!co_await std::move(enforce)) enforce_pending = true;
            }
            if (now >= next_superseded) { // a revocation shows as a change at the next poll
                next_superseded = now + 5s;
                // Off this thread: at a fleet's size the search takes a while.
                if (issuing_ca && !superseding.exchange(true))
                    asio::post(crl_publisher, [this] {
                        revoke_superseded();
                        superseding = false;
                    });
            }
            if (changed || now >= next_crl) { // and once a minute, for nextUpdate
                next_crl = now + 60s;
                refresh_crl();
            }
            if (dashboard_registry && (changed || now >= next_dashboard)) { // lock expiry
                next_dashboard = now + 5s;
                dashboard_registry->refresh();
            }
            if (auth && now >= next_sweep) {
                next_sweep = now + 5s;
                auto sweep = auth->sweep_sessions(runtime.current()->config.auth);
                const auto live = co_await std::move(sweep);
                if (live) metrics.sessions_active(static_cast<std::int64_t>(*live));
                metrics.session_store_up(!auth->store_unavailable());
            }
        } catch (const std::exception& e) {
            enforce_pending = true;
            log_event(spdlog::level::critical, "registry.watch_failed", {{"reason", e.what()}});
        }
        if (woken) { // a quiet 50 ms that wake-ups cannot cut short
            asio::steady_timer quiet(control);
            quiet.expires_after(50ms);
            co_await quiet.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (draining.load()) co_return;
        }
    }
}

void Server::Impl::copy_ledger() {
    if (!ledger_copy) return;
    try {
        ledger_copy->copy_new();
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "ledger.copy_failed",
                  {{"reason", e.what()}, {"detail", "retried at the next registry change"}});
    }
}

// Certificates and CRLs running out, and the clock (control thread).
void Server::Impl::check_health() {
    try {
        const auto rt = runtime.current();
        health.check(rt->config.alerts, collect_expiries(rt->config), read_clock_sync(),
                     std::chrono::system_clock::now(), std::chrono::steady_clock::now());
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "health.check_failed", {{"reason", e.what()}});
    }
}

// Looked at once a minute, and at each reload (check_health from reload()).
Task<void> Server::Impl::watch_health() {
    asio::steady_timer timer(control);
    for (;;) {
        check_health();
        try {
            report_held_back_refusals(); // sources that went quiet: their count, once
        } catch (const std::exception& e) {
            log_event(spdlog::level::err, "health.check_failed", {{"reason", e.what()}});
        }
        timer.expires_after(std::chrono::seconds(60));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || draining.load()) co_return;
    }
}

// The issuing CA's CRL follows the registry (revocations, suspensions as holds) and is
// renewed before nextUpdate; when a complete CRL is published the main listener reloads so
// that its own copy never expires (a delta CRL is for clients: the registry already refuses
// what it lists). The CAs of an earlier rollover (enrollment.previous_cas) too, while they are
// listed: their certificates are still trusted, so their CRLs must stay current. Control
// thread: hands the work to crl_publisher and returns.
void Server::Impl::refresh_crl() {
    if (!issuing_ca) return;
    {
        std::lock_guard lock(crl_mutex);
        if (crl_state != CrlRun::idle) {
            crl_state = CrlRun::again;
            return;
        }
        crl_state = CrlRun::running;
    }
    asio::post(crl_publisher, [this] { publish_crls(); });
}

void Server::Impl::publish_crls() {
    std::vector<enroll::IssuingCa*> cas{issuing_ca.get()};
    for (const auto& previous : previous_cas) cas.push_back(previous.get());
    for (enroll::IssuingCa* ca : cas) {
        try {
            const auto published = ca->refresh_crl(registry->devices());
            if (published == enroll::IssuingCa::Published::nothing) continue;
            const auto [entries, changes] = ca->crl_sizes();
            const bool whole = published == enroll::IssuingCa::Published::complete;
            log_event(spdlog::level::info, "crl.published",
                      {{"ca", ca->name()},
                       {"kind", whole ? "complete" : "delta"},
                       {"entries", std::to_string(entries)},
                       {"delta_entries", std::to_string(changes)}});
            if (!whole) continue;
            asio::post(control, [this] { reload(); }); // the listener's own copy
            ::malloc_trim(0); // a fleet's CRL was built in this thread's memory: give it back
        } catch (const std::exception& e) {
            log_event(spdlog::level::err, "crl.publish_failed", {{"ca", ca->name()}, {"reason", e.what()}});
        }
    }
    std::lock_guard lock(crl_mutex);
    if (crl_state == CrlRun::again) { // behind what is queued (the superseded search), not before it
        crl_state = CrlRun::running;
        asio::post(crl_publisher, [this] { publish_crls(); });
        return;
    }
    crl_state = CrlRun::idle;
}

// Renewal supersedes: once the overlap has passed, the older certificate is revoked
// ("superseded"); the registry watch then drops it from admission and puts it on the CRL.
void Server::Impl::revoke_superseded() {
    if (!issuing_ca) return;
    try {
        const auto overlap = runtime.current()->config.enrollment.renewal_overlap.count();
        const std::size_t revoked = registry->devices().revoke_superseded(overlap, "gateway:renewal");
        if (revoked > 0)
            log_event(spdlog::level::info, "enrollment.superseded_revoked", {{"count", std::to_string(revoked)}});
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "enrollment.supersede_failed", {{"reason", e.what()}});
    }
}

void Server::Impl::disconnect_unadmitted() {
    for (auto& w : workers) {
        asio::post(w->io, [&w, this] {
            w->registry.close_where([this](const ConnectionRegistry::Entry& e) {
                if (e.device.empty() || admission->admits(e.device)) return false;
                log_event(spdlog::level::warn, "device.disconnected",
                          {{"device", e.device}, {"peer", e.peer}, {"reason", "no longer an active device in the registry"}});
                return true;
            });
        });
    }
}

std::vector<std::string> Server::Impl::not_ready() const {
    std::vector<std::string> reasons;
    if (draining.load()) reasons.emplace_back("draining for shutdown");
    if (registry_watch && !registry_watch->healthy())
        reasons.emplace_back(registry_watch->stale()
                                 ? "the registry cannot be read (longer than registry.max_staleness: no terminal is admitted)"
                                 : "the registry cannot be read (terminals admitted from the last view, logins refused)");
    if (audit && audit->stats().failing) reasons.emplace_back("the audit log cannot be written");
    if (auth)
        if (const auto why = auth->store_unavailable())
            reasons.emplace_back("the session store (" + auth->store_description() + ") cannot be reached: " + *why +
                                 " (requests that need a session are answered 503, logins refused)");
    return reasons;
}

// A session that ended takes its connections with it: a WebSocket tunnel would otherwise
// outlive a logout, a disable or a revocation.
void Server::Impl::close_session(const std::string& id_hash) {
    for (auto& w : workers) {
        asio::post(w->io, [&w, id_hash] {
            w->registry.close_where([&](const ConnectionRegistry::Entry& e) { return e.session == id_hash; });
        });
    }
}

Task<void> Server::Impl::drain_and_stop() {
    draining = true;
    const auto timeout = runtime.current()->config.timeouts.drain;
    log_event(spdlog::level::info, "shutdown.draining", {{"timeout_s", std::to_string(timeout.count())}});
    asio::post(workers.front()->io, [this] {
        boost::system::error_code ec;
        acceptor->close(ec);
        if (enrollment_acceptor) enrollment_acceptor->close(ec);
    });
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    asio::steady_timer timer(control);
    std::atomic<std::size_t> remaining{1};
    while (std::chrono::steady_clock::now() < deadline) {
        remaining = 0;
        for (auto& w : workers) {
            std::promise<std::size_t> count;
            auto f = count.get_future();
            asio::post(w->io, [&w, &count] {
                w->registry.close_idle();
                count.set_value(w->registry.size());
            });
            remaining += f.get();
        }
        if (remaining == 0) break;
        timer.expires_after(std::chrono::milliseconds(100));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log_event(spdlog::level::info, "shutdown.complete", {{"connections_cut", std::to_string(remaining.load())}});
    for (auto& w : workers) {
        w->guard.reset();
        w->io.stop();
    }
    control.stop();
}

} // namespace sekisho::gateway
