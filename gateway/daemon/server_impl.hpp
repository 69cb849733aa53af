// Inside the daemon (server.cpp, server_tasks.cpp): the workers and everything the
// Server owns. Not for other folders.
#pragma once

#include "gateway/daemon/server.hpp"

#include "config/load.hpp"
#include "enroll/issuing_ca.hpp"
#include "gateway/admin/admin_server.hpp"
#include "gateway/events/alerts.hpp"
#include "gateway/events/audit_trail.hpp"
#include "gateway/auth/auth_service.hpp"
#include "gateway/daemon/blocking_pool.hpp"
#include "gateway/pipeline/connection.hpp"
#include "gateway/listener/connection_limits.hpp"
#include "gateway/listener/proxy_gate.hpp"
#include "gateway/admin/dashboard_registry.hpp"
#include "gateway/enrollment/enrollment_listener.hpp"
#include "gateway/events/event_history.hpp"
#include "gateway/events/health_watch.hpp"
#include "gateway/events/ledger_copy.hpp"
#include "gateway/events/retention_copy.hpp"
#include "gateway/events/volume_watch.hpp"
#include "gateway/events/log.hpp"
#include "session/store_factory.hpp"
#include "credentials/password_hash.hpp"
#include "store/registry.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace sekisho::gateway {

// Declared so that the io_context dies first: the connection coroutines it still holds
// unregister from `registry` as they are destroyed.
struct Worker {
    ConnectionRegistry registry;
    AssertionCache assertions;
    std::unique_ptr<UpstreamPool> pool;
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread;

    Worker() { pool = std::make_unique<UpstreamPool>(io.get_executor()); }
};

struct Server::Impl {
    // The session store's I/O stops before the store itself goes (auth, below it): no Redis
    // reply is handled by a client already destroyed.
    ~Impl() { session_io.stop(); }
    // Opened once (registry.sqlite or registry.postgresql, or enrollment.listen) and lent to
    // everything below that reads or writes it, so it is declared first and goes last. Safe
    // from any thread.
    std::shared_ptr<store::Registry> registry;
    // First in, last out: the audit trail, the alerts and the dashboard's history outlive
    // everything that logs. The attachments are dropped before them (also when the
    // constructor throws half-way).
    std::unique_ptr<AuditTrail> audit;
    std::unique_ptr<AlertEngine> alerts;
    std::unique_ptr<LedgerCopy> ledger_copy; // with an audit trail and a registry
    HealthWatch health;                      // control thread
    std::string audit_file;                            // audit.file at start (restart to move it)
    std::unique_ptr<RetentionCopy> retention_copy;     // with an audit trail: housekeeping thread
    VolumeWatch volumes;                               // written by housekeeping, read by /metrics
    std::unique_ptr<EventHistory> history; // present when admin.listen is set
    struct SinkAttachment {
        ~SinkAttachment() {
            attach_history_sink(nullptr);
            attach_alert_sink(nullptr);
            attach_audit_sink(nullptr);
        }
    } sink_attachment;
    std::string config_path;
    TicketKeys ticket_keys; // read by every TLS context; rotated by rotate_ticket_keys()
    RuntimeHolder runtime;
    std::uint64_t generation = 1;
    Metrics metrics;
    std::atomic<bool> draining{false};
    // Present when a registry is configured (a restart is needed to add or move it).
    std::unique_ptr<DeviceAdmission> admission;
    std::unique_ptr<RegistryWatch> registry_watch;
    std::unique_ptr<RegistrySnapshotSource> dashboard_registry; // and admin.listen: control thread refreshes
    // The terminals admitted since the last flush (registry configured): written to the
    // registry as their last-seen time by keep_review_records(), never per handshake.
    std::unique_ptr<DeviceSightings> sightings;
    // Present when enrollment.listen is set (restart to add or change).
    std::unique_ptr<enroll::IssuingCa> issuing_ca;
    std::vector<std::unique_ptr<enroll::IssuingCa>> previous_cas; // enrollment.previous_cas: CRLs only
    std::unique_ptr<EnrollmentService> enrollment;
    std::unique_ptr<EnrollmentContext> enrollment_context;
    std::unique_ptr<tcp::acceptor> enrollment_acceptor;
    BlockingPool blocking{2}; // SQLite, the CA key: never on an I/O thread
    // Argon2id of logins, queued: one thread per two cores, at idle priority.
    BlockingPool hashing{std::max(1u, std::thread::hardware_concurrency() / 2), BlockingPool::Priority::idle};
    // The session store's network I/O (Redis) on a thread of its own, never queued behind a
    // registry call on the control thread. Declared before auth, which it outlives.
    struct SessionIo {
        asio::io_context io{1};
        asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
        std::thread thread{[this] { io.run(); }};
        void stop() {
            guard.reset();
            io.stop();
            if (thread.joinable()) thread.join();
        }
        ~SessionIo() { stop(); }
    } session_io;
    // Where the ticket keys come from (this process, or Redis); after session_io, which its
    // connections use. ticket_keys_failing: the last refresh failed (logged once).
    std::unique_ptr<session::TicketKeySource> ticket_source;
    bool ticket_keys_failing = false;
    // Present when a registry is configured: logins and the session store.
    std::unique_ptr<auth::AuthService> auth;
    asio::io_context control{1};
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::unique_ptr<tcp::acceptor> admin_acceptor;
    std::unique_ptr<AdminApiContext> admin_api; // with a registry: the administration API
    std::unique_ptr<AdminContext> admin_context;
    std::unique_ptr<AdminHostCheck> admin_hosts;        // admin.listen's own names (restart to change)

    std::vector<std::unique_ptr<WorkerContext>> contexts;
    // Another instance's change of the registry wakes watch_registry() at once (PostgreSQL's
    // NOTIFY). Declared after control: stopped (its thread joined) before control goes.
    std::unique_ptr<store::ChangeSignal> registry_signal;
    asio::steady_timer* registry_timer = nullptr; // watch_registry()'s, control thread only
    bool registry_wake_pending = false;           // control thread only
    // Per listener (limits.*): created at start, re-configured at reload.
    ConnectionLimits main_limits{"main", 0, 0}, enrollment_limits{"enrollment", 0, 0}, admin_limits{"admin", 0, 0};
    void configure_limits(const config::LimitsConfig& l);
    ProxyProtocolCounters main_proxy{"main"}, enrollment_proxy{"enrollment"}; // proxy_protocol refusals
    // Free space and audit retention (housekeeping.cpp): file-system calls that may take
    // long (a purge, a slow volume) on a thread of their own. Last: stopped first.
    BlockingPool housekeeping{1};
    BlockingPool reports{1, BlockingPool::Priority::idle}; // the self-disclosure, one at a time
    // The issuing CAs' CRLs, built and signed here: a fleet's complete CRL takes a while, and
    // the control thread keeps watching the registry meanwhile. One run at a time; a change
    // during a run asks for one more (crl_state, under crl_mutex).
    std::mutex crl_mutex;
    enum class CrlRun { idle, running, again } crl_state = CrlRun::idle;
    std::atomic<bool> superseding{false}; // revoke_superseded() queued or running on crl_publisher
    BlockingPool crl_publisher{1};        // after what its work uses: stopped before it goes
    void publish_crls(); // crl_publisher thread

    Task<void> accept_loop();
    void serve_on_its_worker(tcp::socket socket, ConnectionLimits::Slot slot, Peer client);
    void reload();
    Task<void> watch_registry();
    Task<void> watch_health();
    Task<void> watch_storage(); // housekeeping.cpp, on the housekeeping thread
    void purge_expired_audit(const config::AuditConfig& cfg);
    void copy_retention();
    void check_health();
    Task<bool> refresh_ticket_keys();      // ticket_rotation.cpp
    void load_ticket_keys_before_serving(); // the constructor: blocks until the first refresh ends
    Task<void> rotate_ticket_keys();
    void copy_ledger();
    bool enforce_pending = false; // a reload or a failed run: enforce sessions at the next tick
    void refresh_crl();
    void revoke_superseded(); // crl_publisher: certificates renewed more than enrollment.renewal_overlap ago
    // review_tasks.cpp: the periodic review's background duties (issue 16 item 5).
    Task<void> keep_review_records();
    void flush_sightings();                            // blocking pool, and once more at exit
    bool disable_unused_accounts(std::int64_t days);   // blocking pool; false: the registry failed
    void disconnect_unadmitted();
    void close_session(const std::string& id_hash); // any thread
    std::vector<std::string> not_ready() const;     // any thread: why /readyz says 503
    Task<void> drain_and_stop();
};

} // namespace sekisho::gateway
