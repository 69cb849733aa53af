// The Registry over SQL: each narrow interface forwards every call to a connection of a pool
// (connection_pool.hpp), so callers share one handle from any thread.
#include "store/sql/pooled_registry.hpp"

#include "store/sql/connection_pool.hpp"
#include "store/sql/devices_impl.hpp"
#include "store/sql/users_impl.hpp"

#include <utility>

namespace sekisho::store::sql {

namespace {

// Two pools serve the seven narrow interfaces: one of SqlDevices (devices, tickets, ledger,
// incidents) and one of SqlUsers (users, logins, break-glass), the two pools there were before
// the split. A connection serves every interface of its class, so a pool per interface would
// only open more connections at start (seven, not two: PostgreSQL counts them) and keep more
// of them idle.
template <class Sql>
class Pooled {
public:
    explicit Pooled(ConnectionPool<Sql>& pool) : pool_(pool) {}

protected:
    ConnectionPool<Sql>& pool_;
};

class PooledDevices final : public DeviceRegistry, Pooled<SqlDevices> {
public:
    using Pooled::Pooled;

    Device create_device(const std::string& facility, const std::string& name, const std::string& actor,
                         bool temporary) override {
        return pool_.take()->create_device(facility, name, actor, temporary);
    }
    std::optional<Device> get_device(const std::string& id) override { return pool_.take()->get_device(id); }
    std::vector<Device> list_devices(const std::optional<std::string>& facility,
                                     const std::optional<DeviceStatus>& status) override {
        return pool_.take()->list_devices(facility, status);
    }
    std::optional<Device> find_device_by_fingerprint(const std::string& fingerprint) override {
        return pool_.take()->find_device_by_fingerprint(fingerprint);
    }
    std::optional<Device> find_device_by_serial(const std::string& serial_hex) override {
        return pool_.take()->find_device_by_serial(serial_hex);
    }
    void add_certificate(const std::string& device_id, const DeviceCertificate& cert,
                         const std::string& actor) override {
        pool_.take()->add_certificate(device_id, cert, actor);
    }
    void set_status(const std::string& device_id, DeviceStatus status, const std::string& reason,
                    const std::string& actor) override {
        pool_.take()->set_status(device_id, status, reason, actor);
    }
    void revoke_certificate(const std::string& serial_hex, const std::string& reason,
                            const std::string& actor) override {
        pool_.take()->revoke_certificate(serial_hex, reason, actor);
    }
    std::size_t revoke_superseded(UnixSeconds overlap, const std::string& actor) override {
        return pool_.take()->revoke_superseded(overlap, actor);
    }
    MassRevocation revoke_many(const RevocationCriteria& criteria, const std::string& reason,
                               const std::string& actor, bool dry_run) override {
        return pool_.take()->revoke_many(criteria, reason, actor, dry_run);
    }
    std::vector<RevokedSerial> revoked_serials(const std::string& issuer, UnixSeconds expired_before = 0) override {
        return pool_.take()->revoked_serials(issuer, expired_before);
    }
    std::vector<std::string> active_fingerprints() override { return pool_.take()->active_fingerprints(); }
    std::vector<AdmittedCertificate> admitted_certificates() override { return pool_.take()->admitted_certificates(); }
    std::size_t record_seen(const std::vector<DeviceSighting>& batch) override {
        return pool_.take()->record_seen(batch);
    }
    std::vector<std::string> temporary_fingerprints() override { return pool_.take()->temporary_fingerprints(); }
    std::int64_t revision() override { return pool_.take()->revision(); }
    std::vector<std::string> import_devices(const std::vector<DeviceImport>& batch, const std::string& actor) override {
        return pool_.take()->import_devices(batch, actor);
    }
    DevicePage list_devices_page(const std::optional<std::string>& facility, const std::optional<DeviceStatus>& status,
                                 const std::string& after, std::size_t limit) override {
        return pool_.take()->list_devices_page(facility, status, after, limit);
    }
    DeviceCounts count_devices(const std::optional<std::string>& facility) override {
        return pool_.take()->count_devices(facility);
    }
    std::vector<ExpiringDevice> expiring_devices(UnixSeconds from, UnixSeconds before,
                                                 const std::optional<std::string>& facility, std::size_t limit) override {
        return pool_.take()->expiring_devices(from, before, facility, limit);
    }
    CertificateScan scan_certificates(const LedgerPosition& since, CertificateSink& sink) override {
        return pool_.take()->scan_certificates(since, sink);
    }
};

class PooledTickets final : public TicketRegistry, Pooled<SqlDevices> {
public:
    using Pooled::Pooled;

    std::pair<EnrollmentTicket, std::string> create_ticket(const std::string& facility, const std::string& device_name,
                                                           std::int64_t ttl_seconds, const std::string& actor,
                                                           int max_uses,
                                                           std::optional<std::int64_t> temporary_validity) override {
        return pool_.take()->create_ticket(facility, device_name, ttl_seconds, actor, max_uses, temporary_validity);
    }
    Redemption redeem_ticket(const std::string& ticket_id, const std::string& code, const std::string& source_address,
                             UnixSeconds now) override {
        return pool_.take()->redeem_ticket(ticket_id, code, source_address, now);
    }
    void attach_ticket_device(const std::string& ticket_id, const std::string& device_id,
                              const std::string& actor) override {
        pool_.take()->attach_ticket_device(ticket_id, device_id, actor);
    }
    std::optional<EnrollmentTicket> get_ticket(const std::string& id) override { return pool_.take()->get_ticket(id); }
    std::vector<EnrollmentTicket> list_tickets(bool include_expired) override {
        return pool_.take()->list_tickets(include_expired);
    }
};

class PooledLedger final : public Ledger, Pooled<SqlDevices> {
public:
    using Pooled::Pooled;

    std::vector<LedgerEntry> ledger(std::int64_t since_seq, std::size_t limit) override {
        return pool_.take()->ledger(since_seq, limit);
    }
};

class PooledIncidents final : public Incidents, Pooled<SqlDevices> {
public:
    using Pooled::Pooled;

    Incident open_incident(const std::string& title, const std::string& facility, const std::string& severity,
                           const std::string& actor) override {
        return pool_.take()->incidents().open_incident(title, facility, severity, actor);
    }
    void add_note(const std::string& id, const std::string& text, const std::string& actor) override {
        pool_.take()->incidents().add_note(id, text, actor);
    }
    std::size_t link_alerts(const std::string& id, const std::vector<IncidentAlert>& alerts,
                            const std::string& actor) override {
        return pool_.take()->incidents().link_alerts(id, alerts, actor);
    }
    void close_incident(const std::string& id, const std::string& resolution, const std::string& actor) override {
        pool_.take()->incidents().close_incident(id, resolution, actor);
    }
    std::optional<IncidentRecord> get_incident(const std::string& id) override {
        return pool_.take()->incidents().get_incident(id);
    }
    std::vector<Incident> list_incidents(bool open_only) override {
        return pool_.take()->incidents().list_incidents(open_only);
    }
};

class PooledUsers final : public UserRegistry, Pooled<SqlUsers> {
public:
    using Pooled::Pooled;

    User create_user(const std::string& id, const std::string& display_name, const std::string& facility,
                     const std::vector<std::string>& roles, const std::string& password_hash, bool must_change,
                     const std::string& actor) override {
        return pool_.take()->create_user(id, display_name, facility, roles, password_hash, must_change, actor);
    }
    std::optional<User> get_user(const std::string& id) override { return pool_.take()->get_user(id); }
    std::vector<User> list_users(const std::optional<std::string>& facility) override {
        return pool_.take()->list_users(facility);
    }
    std::vector<User> locked_users(UnixSeconds now) override { return pool_.take()->locked_users(now); }
    void set_password(const std::string& id, const std::string& new_hash, bool must_change, const std::string& actor,
                      const std::string& reason, PasswordChange kind) override {
        pool_.take()->set_password(id, new_hash, must_change, actor, reason, kind);
    }
    bool rehash_password(const std::string& id, const std::string& current_hash,
                         const std::string& new_hash) override {
        return pool_.take()->rehash_password(id, current_hash, new_hash);
    }
    std::vector<std::string> password_history(const std::string& id) override {
        return pool_.take()->password_history(id);
    }
    void set_status(const std::string& id, UserStatus status, const std::string& reason,
                    const std::string& actor) override {
        pool_.take()->set_status(id, status, reason, actor);
    }
    std::int64_t revision() override { return pool_.take()->revision(); }
};

class PooledLogins final : public LoginRecords, Pooled<SqlUsers> {
public:
    using Pooled::Pooled;

    User record_login_success(const std::string& id, const std::string& source, UnixSeconds now) override {
        return pool_.take()->record_login_success(id, source, now);
    }
    LoginFailure record_login_failure(const std::string& id, const std::string& source, UnixSeconds now,
                                      const LockoutPolicy& policy) override {
        return pool_.take()->record_login_failure(id, source, now, policy);
    }
    void unlock(const std::string& id, const std::string& actor) override { pool_.take()->unlock(id, actor); }
};

class PooledBreakGlass final : public BreakGlass, Pooled<SqlUsers> {
public:
    using Pooled::Pooled;

    void set_break_glass_account(const std::string& id, bool emergency, const std::string& reason,
                                 const std::string& actor) override {
        pool_.take()->set_break_glass_account(id, emergency, reason, actor);
    }
    // Opening a period also raises the user's session epoch (break_glass.cpp).
    void set_break_glass_period(const std::string& id, std::optional<UnixSeconds> until, const std::string& reason,
                                const std::string& actor) override {
        pool_.take()->set_break_glass_period(id, until, reason, actor);
    }
};

class PooledStore final : public Registry {
public:
    PooledStore(std::string location, const OpenConnection& open, const Clock& clock, std::size_t max_idle,
                SignalChanges signal)
        : location_(std::move(location)),
          device_pool_([open, clock] { return std::make_unique<SqlDevices>(open(), clock); }, max_idle),
          user_pool_([open, clock] { return std::make_unique<SqlUsers>(open(), clock); }, max_idle),
          signal_(std::move(signal)) {}

    DeviceRegistry& devices() override { return devices_; }
    TicketRegistry& tickets() override { return tickets_; }
    Ledger& ledger() override { return ledger_; }
    UserRegistry& users() override { return users_; }
    LoginRecords& logins() override { return logins_; }
    BreakGlass& break_glass() override { return break_glass_; }
    Incidents& incidents() override { return incidents_; }
    const std::string& location() const override { return location_; }
    std::unique_ptr<ChangeSignal> signal_changes(std::function<void()> wake) override {
        return signal_ ? signal_(std::move(wake)) : nullptr;
    }

private:
    std::string location_;
    ConnectionPool<SqlDevices> device_pool_; // before the interfaces that use them
    ConnectionPool<SqlUsers> user_pool_;
    PooledDevices devices_{device_pool_};
    PooledTickets tickets_{device_pool_};
    PooledLedger ledger_{device_pool_};
    PooledIncidents incidents_{device_pool_};
    PooledUsers users_{user_pool_};
    PooledLogins logins_{user_pool_};
    PooledBreakGlass break_glass_{user_pool_};
    SignalChanges signal_;
};

} // namespace

std::shared_ptr<Registry> open_pooled_registry(std::string location, OpenConnection open, Clock clock,
                                               std::size_t max_idle, SignalChanges signal) {
    if (!clock) throw RegistryError("registry " + location + ": open: no clock was given");
    return std::make_shared<PooledStore>(std::move(location), open, clock, max_idle, std::move(signal));
}

} // namespace sekisho::store::sql
