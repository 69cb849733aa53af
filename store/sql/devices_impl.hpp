// Internal to the registry's SQL implementation: the DeviceRegistry, TicketRegistry and Ledger,
// whose operations are spread over devices_common.cpp (ledger, revision), devices.cpp and
// tickets.cpp. One class for the three, as before they were split: they share its ledger and
// revision helpers, and attaching a ticket checks its device in the same transaction.
#pragma once

#include "store/sql/connection.hpp"
#include "store/sql/incidents_impl.hpp"
#include "store/clock.hpp"
#include "store/device_registry.hpp"
#include "store/ledger.hpp"
#include "store/ticket_registry.hpp"
#include "store/registry_rules.hpp"

#include <memory>

namespace sekisho::store::sql {

// Refuses an empty name, facility or actor before anything is written.
inline void require_text(const Connection& db, const std::string& value, const char* what,
                         std::string_view operation) {
    db.check(rules::required_text(value, what), operation);
}

class SqlDevices final : public DeviceRegistry, public TicketRegistry, public Ledger {
public:
    // Takes a connection to a registry whose schema is up to date.
    SqlDevices(std::unique_ptr<Connection> connection, Clock clock);
    bool usable() const { return db_.usable(); }

    Device create_device(const std::string& facility, const std::string& name,
                         const std::string& actor, bool temporary) override;
    std::optional<Device> get_device(const std::string& id) override;
    std::vector<Device> list_devices(const std::optional<std::string>& facility,
                                     const std::optional<DeviceStatus>& status) override;
    std::optional<Device> find_device_by_fingerprint(const std::string& fingerprint) override;
    std::optional<Device> find_device_by_serial(const std::string& serial_hex) override;
    void add_certificate(const std::string& device_id, const DeviceCertificate& cert,
                         const std::string& actor) override;
    void set_status(const std::string& device_id, DeviceStatus status, const std::string& reason,
                    const std::string& actor) override;
    void revoke_certificate(const std::string& serial_hex, const std::string& reason,
                            const std::string& actor) override;
    std::size_t revoke_superseded(UnixSeconds overlap, const std::string& actor) override;
    MassRevocation revoke_many(const RevocationCriteria& criteria, const std::string& reason,
                               const std::string& actor, bool dry_run) override;
    std::vector<RevokedSerial> revoked_serials(const std::string& issuer, UnixSeconds expired_before = 0) override;
    std::vector<std::string> active_fingerprints() override;
    std::vector<AdmittedCertificate> admitted_certificates() override;
    std::size_t record_seen(const std::vector<DeviceSighting>& batch) override; // device_seen.cpp
    std::vector<std::string> temporary_fingerprints() override;
    std::int64_t revision() override;
    // devices_fleet.cpp
    std::vector<std::string> import_devices(const std::vector<DeviceImport>& batch, const std::string& actor) override;
    DevicePage list_devices_page(const std::optional<std::string>& facility, const std::optional<DeviceStatus>& status,
                                 const std::string& after, std::size_t limit) override;
    DeviceCounts count_devices(const std::optional<std::string>& facility) override;
    CertificateScan scan_certificates(const LedgerPosition& since, CertificateSink& sink) override;
    std::vector<ExpiringDevice> expiring_devices(UnixSeconds from, UnixSeconds before,
                                                 const std::optional<std::string>& facility, std::size_t limit) override;

    std::pair<EnrollmentTicket, std::string> create_ticket(const std::string& facility,
                                                           const std::string& device_name,
                                                           std::int64_t ttl_seconds, const std::string& actor,
                                                           int max_uses,
                                                           std::optional<std::int64_t> temporary_validity) override;
    Redemption redeem_ticket(const std::string& ticket_id, const std::string& code,
                             const std::string& source_address, UnixSeconds now) override;
    void attach_ticket_device(const std::string& ticket_id, const std::string& device_id,
                              const std::string& actor) override;
    std::optional<EnrollmentTicket> get_ticket(const std::string& id) override;
    std::vector<EnrollmentTicket> list_tickets(bool include_expired) override;

    std::vector<LedgerEntry> ledger(std::int64_t since_seq, std::size_t limit) override;

    // Incident records, on this connection (they share its pool).
    Incidents& incidents() { return incidents_; }

private:
    // Within an open write transaction: one ledger row, and the revision bump (call once).
    void append_ledger(UnixSeconds at, const std::string& actor, const std::string& action,
                       const std::string& subject, const std::string& reason, const std::string& details);
    void bump_revision(std::string_view operation);

    std::optional<Device> load_device(const std::string& id, std::string_view operation);
    std::vector<DeviceCertificate> load_certificates(const std::string& device_id,
                                                     std::string_view operation);
    // Within an open write transaction: a new device's row and its device.create ledger row.
    Device insert_device(const std::string& facility, const std::string& name, const std::string& actor,
                         bool temporary, UnixSeconds now, std::string_view operation);
    // Within an open write transaction: a certificate of a device that may take one, checked,
    // and its certificate.add ledger row.
    void insert_certificate(const std::string& device_id, const DeviceCertificate& cert, const std::string& actor,
                            UnixSeconds now, std::string_view operation);
    // Every certificate to the sink, a page of rows at a time; returns how many.
    std::size_t scan_every_certificate(CertificateSink& sink, std::string_view operation);
    std::optional<EnrollmentTicket> load_ticket(const std::string& id, std::string_view operation);
    // Within an open write transaction: the device's status row and its ledger row
    // (device.revoke, .suspend or .resume with from/to; extra details appended).
    void write_status(const std::string& device_id, DeviceStatus from, DeviceStatus to, UnixSeconds now,
                      const std::string& reason, const std::string& actor, std::string_view operation,
                      const std::string& criteria = "");
    // Marks one certificate revoked and writes its "certificate.revoke" ledger row.
    void revoke_one(const std::string& serial_hex, const std::string& device_id, UnixSeconds now,
                    const std::string& reason, const std::string& actor, std::string_view operation);

    std::unique_ptr<Connection> connection_; // one caller at a time: the pool's lease
    Connection& db_;
    Clock clock_;
    SqlIncidents incidents_{db_, clock_};
};

} // namespace sekisho::store::sql
