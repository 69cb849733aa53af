#include "gateway/daemon/server_impl.hpp"

#include "audit/retention.hpp"
#include "operations/administrators.hpp"
#include "worker/preemption_points.hpp"

namespace sekisho::gateway {
namespace {

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

// REQUIREMENTS §3, a minimum number of administrators: said at start-up (and by --check).
void warn_about_administrators(store::UserRegistry& users) {
    try {
        const auto warning = operations::too_few_admins_warning(operations::active_admins(users.list_users()));
        if (!warning.empty()) log_event(spdlog::level::warn, "admin.too_few", {{"detail", warning}});
    } catch (const std::exception& e) {
        log_event(spdlog::level::warn, "admin.too_few", {{"detail", std::string("cannot count administrators: ") + e.what()}});
    }
}

} // namespace

Server::Server(std::string config_path, config::Config initial) : impl_(std::make_unique<Impl>()) {
    impl_->config_path = std::move(config_path);
    configure_logging(initial.log);
    if (!initial.audit.file.empty()) {
        impl_->audit = std::make_unique<AuditTrail>(initial.audit, initial.tls.pkcs11_module);
        attach_audit_sink(impl_->audit.get());
        impl_->audit_file = initial.audit.file;
        try {
            impl_->retention_copy = std::make_unique<RetentionCopy>(initial.audit.file);
        } catch (const std::exception& e) {
            throw std::runtime_error("audit.file: " + std::string(e.what()));
        }
        if (initial.audit.retention < std::chrono::seconds(1826 * 86400))
            log_event(spdlog::level::warn, "audit.retention_short",
                      {{"retention", audit::retention_text(initial.audit.retention)},
                       {"detail", "audit.retention is shorter than the statutory 5 years: records are deleted earlier "
                                  "than the law may ask"}});
    }
    if (initial.alerts.enabled) {
        impl_->alerts = std::make_unique<AlertEngine>(initial.alerts);
        attach_alert_sink(impl_->alerts.get());
    }
    if (initial.admin.listen) {
        impl_->history = std::make_unique<EventHistory>();
        attach_history_sink(impl_->history.get());
    }
    if (initial.registry.configured()) {
        impl_->admission = std::make_unique<DeviceAdmission>();
        impl_->sightings = std::make_unique<DeviceSightings>();
        try {
            impl_->registry = store::open_registry(initial.registry);
            impl_->registry_watch =
                std::make_unique<RegistryWatch>(*impl_->registry, *impl_->admission, initial.registry.max_staleness);
            if (initial.admin.listen)
                impl_->dashboard_registry = std::make_unique<RegistrySnapshotSource>(
                    impl_->registry->users(), impl_->registry->devices());
        } catch (const std::exception& e) {
            throw std::runtime_error(initial.registry.key() + ": " + std::string(e.what()));
        }
        impl_->auth = std::make_unique<auth::AuthService>(impl_->registry->users(), impl_->registry->logins(),
                                                          impl_->blocking, impl_->hashing,
                                                          session::make_stores(initial, impl_->session_io.io.get_executor()),
                                                          impl_->metrics, session::read_cluster_secret(initial.cluster));
        if (impl_->audit) {
            try {
                impl_->ledger_copy = std::make_unique<LedgerCopy>(impl_->registry->ledger(), initial.audit.file + ".ledger-seq");
            } catch (const std::exception& e) {
                throw std::runtime_error("audit.file: " + std::string(e.what()));
            }
        }
        impl_->auth->configure(initial.auth);
        impl_->auth->on_session_ended([impl = impl_.get()](const std::string& id_hash) { impl->close_session(id_hash); });
        impl_->auth->admit_devices_by(*impl_->admission, *impl_->registry_watch);
        if (initial.admin.api) warn_about_administrators(impl_->registry->users());
        // The first dummy hash costs one Argon2id run: pay it now, not in a first login.
        const auto& a = initial.auth.argon2;
        asio::post(impl_->hashing, [params = credentials::Argon2Params{a.memory_kib, a.iterations, a.parallelism}] {
            const worker::PreemptionPoints yield_often;
            (void)credentials::dummy_hash(params);
        });
    }
    if (initial.enrollment.listen) {
        try {
            impl_->issuing_ca =
                std::make_unique<enroll::IssuingCa>(initial.enrollment, initial.tls.pkcs11_module);
            if (!impl_->registry) impl_->registry = store::open_registry(initial.registry);
            const auto& e = initial.enrollment;
            impl_->enrollment = std::make_unique<EnrollmentService>(
                *impl_->issuing_ca, impl_->registry->devices(), impl_->registry->tickets(), initial.tls.crl,
                impl_->admission.get(),
                enroll::RenewalPolicy{e.renewal_overlap.count(), e.renewal_window_percent,
                                      e.renewal_min_interval.count()});
            impl_->issuing_ca->publish_crl(impl_->registry->devices()); // fresh before the listener loads it
            for (std::size_t i = 0; i < e.previous_cas.size(); ++i) {
                impl_->previous_cas.push_back(std::make_unique<enroll::IssuingCa>(e, i, initial.tls.pkcs11_module));
                impl_->previous_cas.back()->publish_crl(impl_->registry->devices());
                impl_->enrollment->serve_crl_of(*impl_->previous_cas.back());
            }
        } catch (const std::exception& e) {
            throw std::runtime_error("enrollment: " + std::string(e.what()));
        }
    }
    if (initial.admin.listen) impl_->admin_hosts = std::make_unique<AdminHostCheck>(initial.admin);
    impl_->ticket_source = session::make_ticket_keys(initial, impl_->session_io.io.get_executor());
    impl_->runtime.replace(
        build_runtime(std::move(initial), impl_->ticket_keys, impl_->generation, impl_->admission.get()));
    impl_->load_ticket_keys_before_serving();
}

Server::~Server() = default;

int Server::run() {
    auto& s = *impl_;
    const auto rt = s.runtime.current();
    const auto& cfg = rt->config;
    s.configure_limits(cfg.limits);
    unsigned n = cfg.workers ? cfg.workers : std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) {
        s.workers.push_back(std::make_unique<Worker>());
        s.contexts.push_back(std::make_unique<WorkerContext>(
            WorkerContext{*s.workers.back()->pool, s.workers.back()->registry, s.metrics, s.draining,
                          s.admission.get(), s.auth.get(), s.workers.back()->assertions, s.runtime,
                          s.sightings.get()}));
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
    if (s.registry_watch) asio::co_spawn(s.control, s.keep_review_records(), asio::detached);
    asio::co_spawn(s.control, s.watch_health(), asio::detached);
    asio::co_spawn(s.control, s.rotate_ticket_keys(), asio::detached);
    asio::co_spawn(s.housekeeping, s.watch_storage(), asio::detached);
    if (s.enrollment_acceptor) {
        s.enrollment_context = std::make_unique<EnrollmentContext>(
            EnrollmentContext{s.runtime, *s.enrollment, s.blocking, s.enrollment_limits, s.enrollment_proxy});
        asio::co_spawn(first, run_enrollment_listener(*s.enrollment_acceptor, *s.enrollment_context), asio::detached);
    }
    if (s.admin_acceptor) {
        if (s.auth) s.admin_api = std::make_unique<AdminApiContext>(AdminApiContext{s.runtime, s.registry, *s.auth, s.blocking, s.reports});
        s.admin_context = std::make_unique<AdminContext>(AdminContext{s.runtime, s.metrics, [&s] { return s.not_ready(); },
                                                                      s.runtime.current()->admin_tls.context != nullptr, s.history.get(),
                                                                      s.dashboard_registry.get(), s.admin_hosts.get(),
                                                                      {&s.main_limits, &s.enrollment_limits, &s.admin_limits},
                                                                      {&s.main_proxy, &s.enrollment_proxy},
                                                                      s.admin_api.get(), &s.volumes});
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
    log_key_events(key_events(nullptr, rt->assertion_keys, keep_previous_for(cfg)));
    s.copy_ledger(); // what sekishoctl did while the gateway was down
    s.control.run();
    for (auto& w : s.workers) w->thread.join();
    s.housekeeping.stop(); // a purge under way ends first; the next look is abandoned
    s.housekeeping.join();
    s.blocking.join();
    s.hashing.join();
    s.flush_sightings(); // the terminals of the last minutes, not lost at a restart
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

} // namespace sekisho::gateway
