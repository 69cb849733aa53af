#include "gateway/server.hpp"

#include "config/load.hpp"
#include "enroll/issuing_ca.hpp"
#include "gateway/admin_server.hpp"
#include "gateway/alerts.hpp"
#include "gateway/audit_trail.hpp"
#include "gateway/auth/auth_service.hpp"
#include "gateway/connection.hpp"
#include "gateway/dashboard_registry.hpp"
#include "gateway/enrollment_listener.hpp"
#include "gateway/event_history.hpp"
#include "gateway/health_watch.hpp"
#include "gateway/ledger_copy.hpp"
#include "gateway/log.hpp"
#include "session/memory_store.hpp"
#include "store/password_hash.hpp"
#include "store/sqlite_registry.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <future>
#include <thread>
#include <vector>

namespace sekisho::gateway {
namespace {

// Declared so that the io_context dies first: the connection coroutines it still holds
// unregister from `registry` as they are destroyed.
struct Worker {
    ConnectionRegistry registry;
    std::unique_ptr<UpstreamPool> pool;
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread;

    Worker() { pool = std::make_unique<UpstreamPool>(io.get_executor()); }
};

tcp::endpoint resolve_listen(asio::io_context& io, const config::Endpoint& ep) {
    tcp::resolver resolver(io);
    auto results = resolver.resolve(ep.host, std::to_string(ep.port), tcp::resolver::passive);
    return *results.begin();
}

void open_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& ep) {
    acceptor.open(ep.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
}

} // namespace

struct Server::Impl {
    // First in, last out: the audit trail, the alerts and the dashboard's history outlive
    // everything that logs. The attachments are dropped before them (also when the
    // constructor throws half-way).
    std::unique_ptr<AuditTrail> audit;
    std::unique_ptr<AlertEngine> alerts;
    std::unique_ptr<LedgerCopy> ledger_copy; // with an audit trail and a registry
    HealthWatch health;                      // control thread
    std::unique_ptr<EventHistory> history; // present when admin.listen is set
    struct SinkAttachment {
        ~SinkAttachment() {
            attach_history_sink(nullptr);
            attach_alert_sink(nullptr);
            attach_audit_sink(nullptr);
        }
    } sink_attachment;
    std::string config_path;
    TicketKeys ticket_keys;
    RuntimeHolder runtime;
    std::uint64_t generation = 1;
    Metrics metrics;
    std::atomic<bool> draining{false};
    // Present when registry.sqlite is set (a restart is needed to add or move it).
    std::unique_ptr<DeviceAdmission> admission;
    std::unique_ptr<RegistryWatch> registry_watch;
    std::unique_ptr<RegistrySnapshotSource> dashboard_registry; // and admin.listen: control thread refreshes
    // Present when enrollment.listen is set (restart to add or change).
    std::unique_ptr<enroll::IssuingCa> issuing_ca;
    std::unique_ptr<store::DeviceRegistry> crl_registry; // control thread only
    std::unique_ptr<EnrollmentService> enrollment;
    std::unique_ptr<EnrollmentContext> enrollment_context;
    std::unique_ptr<tcp::acceptor> enrollment_acceptor;
    asio::thread_pool blocking{2}; // SQLite, CA key, Argon2id: never on an I/O thread
    // Present when registry.sqlite is set: logins and the session store.
    std::unique_ptr<auth::AuthService> auth;
    asio::io_context control{1};
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<tcp::acceptor> admin_acceptor;
    std::unique_ptr<AdminContext> admin_context;
    pki::PrivateKey admin_key;                          // admin.tls.key
    std::unique_ptr<asio::ssl::context> admin_tls;      // admin.tls (restart to change)
    std::vector<std::unique_ptr<WorkerContext>> contexts;

    Task<void> accept_loop();
    void reload();
    Task<void> watch_registry();
    Task<void> watch_health();
    void copy_ledger();
    bool enforce_pending = false; // a reload or a failed run: enforce sessions at the next tick
    void refresh_crl();
    void disconnect_unadmitted();
    void close_session(const std::string& id_hash); // any thread
    std::vector<std::string> not_ready() const;     // any thread: why /readyz says 503
    Task<void> drain_and_stop();
};

Task<void> Server::Impl::accept_loop() {
    std::size_t next = 0;
    for (;;) {
        auto& worker = *workers[next];
        boost::system::error_code ec;
        auto socket = co_await acceptor->async_accept(worker.io, asio::redirect_error(asio::use_awaitable, ec));
        if (draining.load() || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            log_event(spdlog::level::warn, "accept.failed", {{"detail", ec.message()}});
            continue;
        }
        asio::co_spawn(worker.io, serve_connection(std::move(socket), runtime.current(), *contexts[next]),
                       asio::detached);
        next = (next + 1) % workers.size();
    }
}

void Server::Impl::reload() {
    const auto old = runtime.current();
    try {
        auto cfg = config::load_file(config_path);
        if (cfg.listen.to_string() != old->config.listen.to_string() ||
            cfg.workers != old->config.workers)
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "listen and workers changes take effect after a restart"}});
        if (cfg.registry.sqlite != old->config.registry.sqlite)
            log_event(spdlog::level::warn, "config.restart_needed",
                      {{"detail", "registry.sqlite changes take effect after a restart"}});
        auto next = build_runtime(std::move(cfg), ticket_keys, ++generation, admission.get());
        configure_logging(next->config.log);
        if (auth) auth->configure(next->config.auth);
        if (alerts) alerts->configure(next->config.alerts);
        runtime.replace(std::move(next));
        metrics.config_reload(true);
        enforce_pending = true; // e.g. break-glass switched off: its sessions end
        log_event(spdlog::level::info, "config.reloaded",
                  {{"file", config_path}, {"generation", std::to_string(generation)},
                   {"routes", std::to_string(runtime.current()->config.routes.size())},
                   {"crls", std::to_string(runtime.current()->listener_tls.verifier->crl_count())}});
    } catch (const std::exception& e) {
        metrics.config_reload(false);
        log_event(spdlog::level::err, "config.reload_failed",
                  {{"file", config_path}, {"reason", e.what()}, {"detail", "the previous configuration stays in force"}});
    }
}

// Suspensions and revocations in the registry reach the gateway within one poll: new and
// resumed handshakes are refused at once, and live connections of the device are closed.
Task<void> Server::Impl::watch_registry() {
    asio::steady_timer timer(control);
    for (unsigned tick = 1;; ++tick) {
        timer.expires_after(std::chrono::milliseconds(500));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || draining.load()) co_return;
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
                co_await std::move(enforce);
            }
            if (changed || tick % 120 == 0) refresh_crl(); // and once a minute, for nextUpdate
            if (dashboard_registry && (changed || tick % 10 == 0)) dashboard_registry->refresh(); // lock expiry
            if (auth && tick % 10 == 0) {
                auto count = auth->sweep_sessions(runtime.current()->config.auth);
                metrics.sessions_active(static_cast<std::int64_t>(co_await std::move(count)));
            }
        } catch (const std::exception& e) {
            enforce_pending = true;
            log_event(spdlog::level::critical, "registry.watch_failed", {{"reason", e.what()}});
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

// Certificates and CRLs running out, and the clock: looked at once a minute.
Task<void> Server::Impl::watch_health() {
    asio::steady_timer timer(control);
    for (;;) {
        try {
            const auto rt = runtime.current();
            health.check(rt->config.alerts, collect_expiries(rt->config), read_clock_sync(),
                         std::chrono::system_clock::now(), std::chrono::steady_clock::now());
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
// renewed before nextUpdate; the main listener then reloads so its own copy never expires.
void Server::Impl::refresh_crl() {
    if (!issuing_ca) return;
    try {
        if (!issuing_ca->refresh_crl(*crl_registry)) return;
        log_event(spdlog::level::info, "crl.published", {{"ca", issuing_ca->name()}});
        reload();
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "crl.publish_failed", {{"ca", issuing_ca->name()}, {"reason", e.what()}});
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
    if (registry_watch && !registry_watch->healthy()) reasons.emplace_back("the registry cannot be read");
    if (audit && audit->stats().failing) reasons.emplace_back("the audit log cannot be written");
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

Server::Server(std::string config_path, config::Config initial) : impl_(std::make_unique<Impl>()) {
    impl_->config_path = std::move(config_path);
    configure_logging(initial.log);
    if (!initial.audit.file.empty()) {
        impl_->audit = std::make_unique<AuditTrail>(initial.audit, initial.tls.pkcs11_module);
        attach_audit_sink(impl_->audit.get());
    }
    if (initial.alerts.enabled) {
        impl_->alerts = std::make_unique<AlertEngine>(initial.alerts);
        attach_alert_sink(impl_->alerts.get());
    }
    if (initial.admin.listen) {
        impl_->history = std::make_unique<EventHistory>();
        attach_history_sink(impl_->history.get());
    }
    if (!initial.registry.sqlite.empty()) {
        impl_->admission = std::make_unique<DeviceAdmission>();
        try {
            impl_->registry_watch = std::make_unique<RegistryWatch>(initial.registry.sqlite, *impl_->admission);
            if (initial.admin.listen)
                impl_->dashboard_registry = std::make_unique<RegistrySnapshotSource>(initial.registry.sqlite);
        } catch (const std::exception& e) {
            throw std::runtime_error("registry.sqlite: " + std::string(e.what()));
        }
        try {
            impl_->auth = std::make_unique<auth::AuthService>(initial.registry.sqlite, impl_->blocking,
                                                              std::make_unique<session::MemorySessionStore>(),
                                                              impl_->metrics);
        } catch (const std::exception& e) {
            throw std::runtime_error("registry.sqlite: " + std::string(e.what()));
        }
        if (impl_->audit) {
            try {
                impl_->ledger_copy = std::make_unique<LedgerCopy>(initial.registry.sqlite, initial.audit.file + ".ledger-seq");
            } catch (const std::exception& e) {
                throw std::runtime_error("audit.file: " + std::string(e.what()));
            }
        }
        impl_->auth->configure(initial.auth);
        impl_->auth->on_session_ended([impl = impl_.get()](const session::Session& s) { impl->close_session(s.id_hash); });
        // The first dummy hash costs one Argon2id run: pay it now, not in a first login.
        const auto& a = initial.auth.argon2;
        asio::post(impl_->blocking, [params = store::Argon2Params{a.memory_kib, a.iterations, a.parallelism}] {
            (void)store::dummy_hash(params);
        });
    }
    if (initial.enrollment.listen) {
        try {
            impl_->issuing_ca =
                std::make_unique<enroll::IssuingCa>(initial.enrollment, initial.tls.pkcs11_module);
            impl_->crl_registry = store::open_sqlite_registry(initial.registry.sqlite);
            impl_->enrollment = std::make_unique<EnrollmentService>(
                *impl_->issuing_ca, store::open_sqlite_registry(initial.registry.sqlite), initial.tls.crl);
            impl_->issuing_ca->publish_crl(*impl_->crl_registry); // fresh before the listener loads it
        } catch (const std::exception& e) {
            throw std::runtime_error("enrollment: " + std::string(e.what()));
        }
    }
    if (initial.admin.listen && initial.admin.tls)
        impl_->admin_tls = make_admin_tls(*initial.admin.tls, initial.tls.pkcs11_module, impl_->admin_key);
    impl_->runtime.replace(
        build_runtime(std::move(initial), impl_->ticket_keys, impl_->generation, impl_->admission.get()));
}

Server::~Server() = default;

int Server::run() {
    auto& s = *impl_;
    const auto rt = s.runtime.current();
    const auto& cfg = rt->config;
    unsigned n = cfg.workers ? cfg.workers : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        s.workers.push_back(std::make_unique<Worker>());
        s.contexts.push_back(std::make_unique<WorkerContext>(
            WorkerContext{*s.workers.back()->pool, s.workers.back()->registry, s.metrics, s.draining,
                          s.admission.get(), s.auth.get()}));
    }
    auto& first = s.workers.front()->io;
    s.acceptor = std::make_unique<tcp::acceptor>(first);
    try {
        open_acceptor(*s.acceptor, resolve_listen(first, cfg.listen));
        if (cfg.enrollment.listen && s.enrollment) {
            s.enrollment_acceptor = std::make_unique<tcp::acceptor>(first);
            open_acceptor(*s.enrollment_acceptor, resolve_listen(first, *cfg.enrollment.listen));
        }
        if (cfg.admin.listen) {
            s.admin_acceptor = std::make_unique<tcp::acceptor>(first);
            open_acceptor(*s.admin_acceptor, resolve_listen(first, *cfg.admin.listen));
        }
    } catch (const std::exception& e) {
        log_event(spdlog::level::critical, "listen.failed", {{"reason", e.what()}});
        return 1;
    }
    asio::co_spawn(first, s.accept_loop(), asio::detached);
    if (s.registry_watch) asio::co_spawn(s.control, s.watch_registry(), asio::detached);
    asio::co_spawn(s.control, s.watch_health(), asio::detached);
    if (s.enrollment_acceptor) {
        s.enrollment_context = std::make_unique<EnrollmentContext>(EnrollmentContext{s.runtime, *s.enrollment, s.blocking});
        asio::co_spawn(first, run_enrollment_listener(*s.enrollment_acceptor, *s.enrollment_context), asio::detached);
    }
    if (s.admin_acceptor) {
        s.admin_context = std::make_unique<AdminContext>(AdminContext{s.runtime, s.metrics, [&s] { return s.not_ready(); },
                                                                      s.admin_tls.get(), s.history.get(),
                                                                      s.dashboard_registry.get()});
        asio::co_spawn(first, run_admin_listener(*s.admin_acceptor, *s.admin_context), asio::detached);
    }

    asio::signal_set reload_signal(s.control, SIGHUP);
    asio::signal_set stop_signals(s.control, SIGTERM, SIGINT);
    std::function<void()> wait_reload = [&] {
        reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            s.reload();
            wait_reload();
        });
    };
    wait_reload();
    stop_signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        reload_signal.cancel();
        asio::co_spawn(s.control, s.drain_and_stop(), asio::detached);
    });

    for (auto& w : s.workers) w->thread = std::thread([&io = w->io] { io.run(); });
    log_event(spdlog::level::info, "gateway.started",
              {{"listen", cfg.listen.to_string()}, {"admin", cfg.admin.listen ? cfg.admin.listen->to_string() : "-"},
               {"workers", std::to_string(n)},
               {"profile", cfg.tls.profile == config::TlsProfile::tls13 ? "tls13" : "tls12-high-security"},
               {"routes", std::to_string(cfg.routes.size())},
               {"server_key", rt->listener_tls.server_key.in_hardware() ? "pkcs11" : "file"},
               {"crls", std::to_string(rt->listener_tls.verifier->crl_count())},
               {"enrollment", cfg.enrollment.listen && s.enrollment ? cfg.enrollment.listen->to_string() : "off"},
               {"registry", s.admission ? std::to_string(s.admission->size()) + " active certificates" : "off"}});
    s.copy_ledger(); // what sekishoctl did while the gateway was down
    s.control.run();
    for (auto& w : s.workers) w->thread.join();
    s.blocking.join();
    // Connections still open after the drain die with their io_context.
    for (auto& w : s.workers) w->pool->clear();
    s.admin_acceptor.reset();
    s.enrollment_acceptor.reset();
    s.acceptor.reset();
    s.workers.clear();
    s.contexts.clear();
    log_event(spdlog::level::info, "gateway.stopped");
    return 0;
}

std::string check_configuration(const std::string& config_path) {
    try {
        auto cfg = config::load_file(config_path);
        TicketKeys keys;
        DeviceAdmission admission;
        if (!cfg.registry.sqlite.empty() && !std::filesystem::exists(cfg.registry.sqlite))
            return config_path + ": registry.sqlite: " + cfg.registry.sqlite +
                   " does not exist yet (sekishoctl creates it)";
        if (cfg.admin.tls) {
            pki::PrivateKey admin_key;
            make_admin_tls(*cfg.admin.tls, cfg.tls.pkcs11_module, admin_key);
        }
        build_runtime(std::move(cfg), keys, 0, &admission);
        return {};
    } catch (const config::ConfigError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return config_path + ": " + e.what();
    }
}

} // namespace sekisho::gateway
