// Devices and their certificates in the registry.
#include "store/json_details.hpp"
#include "credentials/random_id.hpp"
#include "store/sql/devices_impl.hpp"

#include <unordered_map>

namespace sekisho::store::sql {

namespace {

constexpr std::string_view kDeviceColumns =
    "id, facility, name, status, created_at, created_by, updated_at, updated_by, is_temporary";
// What is read back: the columns written at creation, and the gateway's last sighting.
const std::string kDeviceSelect = std::string(kDeviceColumns) + ", last_seen_at";

// Serials are compared as pki::serial_hex_of prints them: upper-case hex.
std::string canonical_serial(const Connection& db, const std::string& serial_hex, std::string_view operation) {
    db.check(rules::serial(serial_hex), operation);
    return rules::canonical_serial(serial_hex);
}

std::string canonical_fingerprint(const Connection& db, const std::string& fingerprint,
                                  std::string_view operation) {
    db.check(rules::fingerprint(fingerprint), operation);
    return rules::canonical_fingerprint(fingerprint);
}

// An empty reason means "unspecified"; anything else must be an RFC 5280 name for the CRL.
std::string revocation_reason(const Connection& db, const std::string& reason, std::string_view operation) {
    db.check(rules::revocation_reason(reason), operation);
    return rules::revocation_reason_name(reason);
}

Device device_from_row(const Statement& row) {
    Device d;
    d.id = row.text(0);
    d.facility = row.text(1);
    d.name = row.text(2);
    d.status = parse_device_status(row.text(3));
    d.created_at = row.integer(4);
    d.created_by = row.text(5);
    d.updated_at = row.integer(6);
    d.updated_by = row.text(7);
    d.temporary = row.integer(8) != 0;
    d.last_seen_at = row.optional_integer(9);
    return d;
}

// A certificate's columns, as certificate_from_row reads them from column `first` on.
constexpr std::string_view kCertificateColumns =
    "serial_hex, fingerprint_sha256, not_before, not_after, issued_at, issuer, status_reason, revoked_at";

DeviceCertificate certificate_from_row(const Statement& row, int first) {
    return {row.text(first),         row.text(first + 1),     row.integer(first + 2), row.integer(first + 3),
            row.integer(first + 4),  row.text(first + 5),     row.text(first + 6),    row.optional_integer(first + 7)};
}

} // namespace

std::vector<DeviceCertificate> SqlDevices::load_certificates(const std::string& device_id,
                                                                 std::string_view operation) {
    Statement query(db_,
                    "SELECT " + std::string(kCertificateColumns) +
                        " FROM certificates WHERE device_id = ?1 ORDER BY issued_at, serial_hex",
                    operation);
    query.bind(1, device_id);
    std::vector<DeviceCertificate> certs;
    while (query.step()) certs.push_back(certificate_from_row(query, 0));
    return certs;
}

std::optional<Device> SqlDevices::load_device(const std::string& id, std::string_view operation) {
    Statement query(db_, "SELECT " + kDeviceSelect + " FROM devices WHERE id = ?1", operation);
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    Device device = device_from_row(query);
    device.certificates = load_certificates(id, operation);
    return device;
}

Device SqlDevices::create_device(const std::string& facility, const std::string& name,
                                     const std::string& actor, bool temporary) {
    constexpr std::string_view kOperation = "create device";
    require_text(db_, actor, "the actor", kOperation);
    Transaction tx(db_, Transaction::Kind::write, kOperation);
    Device device = insert_device(facility, name, actor, temporary, clock_(), kOperation);
    bump_revision(kOperation);
    tx.commit();
    return device;
}

Device SqlDevices::insert_device(const std::string& facility, const std::string& name, const std::string& actor,
                                 bool temporary, UnixSeconds now, std::string_view operation) {
    require_text(db_, facility, "the facility", operation);
    require_text(db_, name, "the device name", operation);
    Device device;
    device.id = credentials::random_id("dev-");
    device.facility = facility;
    device.name = name;
    device.created_at = device.updated_at = now;
    device.created_by = device.updated_by = actor;
    device.temporary = temporary;
    Statement insert(db_,
                     "INSERT INTO devices (" + std::string(kDeviceColumns) +
                         ", status_since) VALUES (?1, ?2, ?3, 'active', ?4, ?5, ?4, ?5, ?6, ?4)",
                     operation);
    insert.bind(1, device.id).bind(2, facility).bind(3, name);
    insert.bind(4, device.created_at).bind(5, actor).bind(6, std::int64_t{temporary ? 1 : 0});
    insert.run();
    JsonDetails details;
    details.add("facility", facility).add("name", name);
    if (temporary) details.add("temporary", std::int64_t{1});
    append_ledger(device.created_at, actor, "device.create", device.id, "", details.str());
    return device;
}

std::optional<Device> SqlDevices::get_device(const std::string& id) {
    Transaction tx(db_, Transaction::Kind::read, "read device " + id);
    return load_device(id, "read device " + id);
}

std::vector<Device> SqlDevices::list_devices(const std::optional<std::string>& facility,
                                                 const std::optional<DeviceStatus>& status) {
    constexpr std::string_view kOperation = "list devices";
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    Statement query(db_,
                    "SELECT " + kDeviceSelect +
                        " FROM devices WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) AND "
                        "(CAST(?2 AS TEXT) IS NULL OR status = ?2) ORDER BY facility, name, id",
                    kOperation);
    query.bind_nullable(1, facility);
    query.bind_nullable(2, status ? std::optional<std::string>(to_string(*status)) : std::nullopt);
    std::vector<Device> devices;
    while (query.step())
        devices.push_back(device_from_row(query));
    // Their certificates in one more query, not one per device (a whole fleet's listing for
    // `sekishoctl report` or a rollover is two queries, not a million).
    std::unordered_map<std::string, Device*> by_id;
    by_id.reserve(devices.size());
    for (Device& device : devices) by_id.emplace(device.id, &device);
    Statement certs(db_,
                    // The certificate columns are named in no other table of the join.
                    "SELECT c.device_id, " + std::string(kCertificateColumns) +
                        " FROM certificates c JOIN devices d ON d.id = c.device_id "
                        "WHERE (CAST(?1 AS TEXT) IS NULL OR d.facility = ?1) AND (CAST(?2 AS TEXT) IS NULL OR "
                        "d.status = ?2) ORDER BY c.issued_at, c.serial_hex",
                    kOperation);
    certs.bind_nullable(1, facility);
    certs.bind_nullable(2, status ? std::optional<std::string>(to_string(*status)) : std::nullopt);
    while (certs.step()) {
        const auto it = by_id.find(certs.text(0));
        if (it == by_id.end()) continue;
        it->second->certificates.push_back(certificate_from_row(certs, 1));
    }
    return devices;
}

DevicePage SqlDevices::list_devices_page(const std::optional<std::string>& facility,
                                         const std::optional<DeviceStatus>& status, const std::string& after,
                                         std::size_t limit) {
    constexpr std::string_view kOperation = "list devices";
    if (limit < 1 || limit > 1000) db_.fail(kOperation, "a page holds 1 to 1000 devices, not " + std::to_string(limit));
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    if (!after.empty()) {
        Statement known(db_, "SELECT 1 FROM devices WHERE id = ?1", kOperation);
        known.bind(1, after);
        if (!known.step()) db_.fail(kOperation, "the page cursor " + after + " names no device");
    }
    // Keyset: the rows after the cursor's (facility, name, id), so a page costs the same
    // wherever it starts.
    Statement query(db_,
                    "SELECT " + kDeviceSelect +
                        " FROM devices WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) AND "
                        "(CAST(?2 AS TEXT) IS NULL OR status = ?2) AND (CAST(?3 AS TEXT) IS NULL OR "
                        "(facility, name, id) > (SELECT facility, name, id FROM devices WHERE id = ?3)) "
                        "ORDER BY facility, name, id LIMIT ?4",
                    kOperation);
    query.bind_nullable(1, facility);
    query.bind_nullable(2, status ? std::optional<std::string>(to_string(*status)) : std::nullopt);
    query.bind_nullable(3, after.empty() ? std::nullopt : std::optional<std::string>(after));
    query.bind(4, static_cast<std::int64_t>(limit + 1));
    DevicePage page;
    while (query.step()) page.devices.push_back(device_from_row(query));
    if (page.devices.size() > limit) {
        page.devices.pop_back();
        page.next = page.devices.back().id;
    }
    for (Device& device : page.devices) device.certificates = load_certificates(device.id, kOperation);
    return page;
}

DeviceCounts SqlDevices::count_devices(const std::optional<std::string>& facility) {
    constexpr std::string_view kOperation = "count devices";
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    Statement query(db_,
                    "SELECT status, is_temporary, COUNT(*) FROM devices WHERE (CAST(?1 AS TEXT) IS NULL OR "
                    "facility = ?1) GROUP BY status, is_temporary",
                    kOperation);
    query.bind_nullable(1, facility);
    DeviceCounts counts;
    while (query.step()) {
        const std::int64_t n = query.integer(2);
        switch (parse_device_status(query.text(0))) {
        case DeviceStatus::active:
            counts.active += n;
            if (query.integer(1) != 0) counts.temporary_active += n;
            break;
        case DeviceStatus::suspended: counts.suspended += n; break;
        case DeviceStatus::revoked: counts.revoked += n; break;
        }
    }
    Statement places(db_,
                     "SELECT DISTINCT facility FROM devices WHERE status = 'active' AND "
                     "(CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY facility",
                     kOperation);
    places.bind_nullable(1, facility);
    while (places.step()) counts.facilities.push_back(places.text(0));
    return counts;
}

std::optional<Device> SqlDevices::find_device_by_serial(const std::string& serial_hex) {
    constexpr std::string_view kOperation = "find device by serial";
    const std::string serial = canonical_serial(db_, serial_hex, kOperation);
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    Statement query(db_, "SELECT device_id FROM certificates WHERE serial_hex = ?1", kOperation);
    query.bind(1, serial);
    if (!query.step()) return std::nullopt;
    return load_device(query.text(0), kOperation);
}

std::optional<Device> SqlDevices::find_device_by_fingerprint(const std::string& fingerprint) {
    constexpr std::string_view kOperation = "find device by fingerprint";
    std::string fp = canonical_fingerprint(db_, fingerprint, kOperation);
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    Statement query(db_, "SELECT device_id FROM certificates WHERE fingerprint_sha256 = ?1", kOperation);
    query.bind(1, fp);
    if (!query.step()) return std::nullopt;
    return load_device(query.text(0), kOperation);
}

void SqlDevices::add_certificate(const std::string& device_id, const DeviceCertificate& cert,
                                     const std::string& actor) {
    const std::string operation = "add certificate to device " + device_id;
    require_text(db_, actor, "the actor", operation);
    Transaction tx(db_, Transaction::Kind::write, operation);
    Statement device(db_, "SELECT status FROM devices WHERE id = ?1", operation);
    device.bind(1, device_id);
    if (!device.step()) db_.fail(operation, "no such device");
    if (device.text(0) == "revoked") {
        db_.fail(operation, "the device is revoked and takes no new certificates");
    }
    insert_certificate(device_id, cert, actor, clock_(), operation);
    bump_revision(operation);
    tx.commit();
}

void SqlDevices::insert_certificate(const std::string& device_id, const DeviceCertificate& cert,
                                    const std::string& actor, UnixSeconds now, std::string_view operation) {
    std::string serial = canonical_serial(db_, cert.serial_hex, operation);
    std::string fp = canonical_fingerprint(db_, cert.fingerprint_sha256, operation);
    require_text(db_, cert.issuer, "the issuer", operation);
    if (cert.not_after <= cert.not_before) {
        db_.fail(operation, "certificate " + serial + " has not_after (" + std::to_string(cert.not_after) +
                                ") not after not_before (" + std::to_string(cert.not_before) + ")");
    }
    if (cert.revoked_at || !cert.status_reason.empty()) {
        db_.fail(operation, "certificate " + serial + " arrives already revoked; add it, then revoke it");
    }
    Statement taken(db_,
                    "SELECT device_id, CASE WHEN serial_hex = ?1 THEN 1 ELSE 0 END FROM certificates "
                    "WHERE serial_hex = ?1 OR fingerprint_sha256 = ?2",
                    operation);
    taken.bind(1, serial).bind(2, fp);
    if (taken.step()) {
        db_.fail(operation, "a certificate with " +
                                (taken.integer(1) != 0 ? "serial " + serial : "fingerprint " + fp) +
                                " is already registered to device " + taken.text(0));
    }
    Statement insert(db_,
                     "INSERT INTO certificates (serial_hex, fingerprint_sha256, device_id, "
                     "not_before, not_after, issued_at, issuer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     operation);
    insert.bind(1, serial).bind(2, fp).bind(3, device_id).bind(4, cert.not_before);
    insert.bind(5, cert.not_after).bind(6, cert.issued_at).bind(7, cert.issuer);
    insert.run();
    // The device's earlier certificates are superseded renewal_overlap after this one.
    Statement later(db_,
                    "UPDATE certificates SET superseded_from = ?2 WHERE device_id = ?1 AND serial_hex <> ?3 "
                    "AND (superseded_from IS NULL OR superseded_from > ?2)",
                    operation);
    later.bind(1, device_id).bind(2, cert.issued_at).bind(3, serial);
    later.run();
    Statement touch(db_, "UPDATE devices SET updated_at = ?2, updated_by = ?3 WHERE id = ?1", operation);
    touch.bind(1, device_id).bind(2, now).bind(3, actor);
    touch.run();
    append_ledger(now, actor, "certificate.add", device_id, "",
                  JsonDetails()
                      .add("serial_hex", serial)
                      .add("fingerprint_sha256", fp)
                      .add("issuer", cert.issuer)
                      .add("not_after", cert.not_after)
                      .str());
}

void SqlDevices::revoke_one(const std::string& serial_hex, const std::string& device_id, UnixSeconds now,
                                const std::string& reason, const std::string& actor,
                                std::string_view operation) {
    Statement update(db_,
                     "UPDATE certificates SET revoked_at = ?2, status_reason = ?3 "
                     "WHERE serial_hex = ?1 AND revoked_at IS NULL",
                     operation);
    update.bind(1, serial_hex).bind(2, now).bind(3, reason);
    update.run();
    append_ledger(now, actor, "certificate.revoke", device_id, reason,
                  JsonDetails().add("serial_hex", serial_hex).str());
}

void SqlDevices::write_status(const std::string& device_id, DeviceStatus from, DeviceStatus to, UnixSeconds now,
                              const std::string& reason, const std::string& actor, std::string_view operation,
                              const std::string& criteria) {
    Statement update(db_,
                     "UPDATE devices SET status = ?2, status_since = ?3, updated_at = ?3, "
                     "updated_by = ?4 WHERE id = ?1",
                     operation);
    update.bind(1, device_id).bind(2, to_string(to)).bind(3, now).bind(4, actor);
    update.run();
    // Only suspended → active gets here with status active: equal statuses were refused.
    const char* action = to == DeviceStatus::active      ? "device.resume"
                         : to == DeviceStatus::suspended ? "device.suspend"
                                                         : "device.revoke";
    JsonDetails details;
    details.add("from", to_string(from)).add("to", to_string(to));
    if (!criteria.empty()) details.add("criteria", criteria);
    append_ledger(now, actor, action, device_id, reason, details.str());
}

void SqlDevices::set_status(const std::string& device_id, DeviceStatus status, const std::string& reason,
                                const std::string& actor) {
    const std::string operation = "set device " + device_id + " " + to_string(status);
    require_text(db_, actor, "the actor", operation);
    std::string stored_reason =
        status == DeviceStatus::revoked ? revocation_reason(db_, reason, operation) : reason;
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    std::optional<Device> device = load_device(device_id, operation);
    if (!device) db_.fail(operation, "no such device");
    if (device->status == DeviceStatus::revoked) {
        db_.fail(operation, "the device is revoked, which is final; "
                            "enroll the terminal again as a new device");
    }
    if (device->status == status) {
        db_.fail(operation, "the device is already " + to_string(status));
    }
    write_status(device_id, device->status, status, now, stored_reason, actor, operation);
    if (status == DeviceStatus::revoked) {
        for (const DeviceCertificate& cert : device->certificates) {
            if (cert.revoked_at) continue;
            revoke_one(cert.serial_hex, device_id, now, stored_reason, actor, operation);
        }
    }
    bump_revision(operation);
    tx.commit();
}

void SqlDevices::revoke_certificate(const std::string& serial_hex, const std::string& reason,
                                        const std::string& actor) {
    const std::string operation = "revoke certificate " + serial_hex;
    std::string serial = canonical_serial(db_, serial_hex, operation);
    std::string stored_reason = revocation_reason(db_, reason, operation);
    require_text(db_, actor, "the actor", operation);
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    Statement query(db_, "SELECT device_id, revoked_at FROM certificates WHERE serial_hex = ?1", operation);
    query.bind(1, serial);
    if (!query.step()) db_.fail(operation, "no certificate has this serial");
    if (!query.is_null(1)) {
        db_.fail(operation, "already revoked at " + std::to_string(query.integer(1)) + " (Unix time)");
    }
    revoke_one(serial, query.text(0), now, stored_reason, actor, operation);
    bump_revision(operation);
    tx.commit();
}

std::size_t SqlDevices::revoke_superseded(UnixSeconds overlap, const std::string& actor) {
    constexpr std::string_view kOperation = "revoke superseded certificates";
    require_text(db_, actor, "the actor", kOperation);
    UnixSeconds now = clock_();
    // "Later" is the order of recording (rowid), not issued_at: two certificates may share a
    // second, and the newest must never be taken for superseded. Expired ones are left out:
    // nothing admits them, and the CRL need not grow with them. Read first, outside the write
    // lock: at a fleet's size the search takes a while and usually finds nothing, and then
    // no writer waits for it.
    // superseded_from: the earliest issue of a later certificate of the device (set when one
    // is added), through a partial index over the few certificates it is set on.
    const std::string search =
        "SELECT c.serial_hex, c.device_id FROM certificates c WHERE c.superseded_from IS NOT NULL "
        "AND c.revoked_at IS NULL AND c.superseded_from <= ?1 AND c.not_after > ?2 ORDER BY c.rowid";
    {
        Statement candidates(db_, search, kOperation);
        candidates.bind(1, now - overlap).bind(2, now);
        if (!candidates.step()) return 0;
    }
    Transaction tx(db_, Transaction::Kind::write, kOperation);
    Statement query(db_, search, kOperation);
    query.bind(1, now - overlap).bind(2, now);
    std::vector<std::pair<std::string, std::string>> superseded;
    while (query.step())
        superseded.emplace_back(query.text(0), query.text(1));
    if (superseded.empty()) return 0;
    for (const auto& [serial, device_id] : superseded)
        revoke_one(serial, device_id, now, "superseded", actor, kOperation);
    bump_revision(kOperation);
    tx.commit();
    return superseded.size();
}

std::vector<RevokedSerial> SqlDevices::revoked_serials(const std::string& issuer, UnixSeconds expired_before) {
    const std::string operation = "list revoked serials of " + issuer;
    // Both halves through partial indexes (revoked certificates; suspended devices), not the
    // issuer's every certificate: a fleet's CA issued them all. The holds start from the
    // suspended devices (CROSS JOIN keeps that order in SQLite) and find their certificates by
    // device; `|| ''` keeps the issuer index out of it.
    Statement query(db_,
                    "SELECT serial_hex, revoked_at, status_reason FROM certificates "
                    "WHERE issuer = ?1 AND revoked_at IS NOT NULL AND not_after >= ?2 "
                    "UNION ALL "
                    "SELECT c.serial_hex, d.status_since, 'certificateHold' FROM devices d CROSS JOIN certificates c "
                    "WHERE c.device_id = d.id AND d.status = 'suspended' AND c.issuer || '' = ?1 "
                    "AND c.revoked_at IS NULL AND c.not_after >= ?2 "
                    "ORDER BY 1",
                    operation);
    query.bind(1, issuer).bind(2, expired_before);
    std::vector<RevokedSerial> serials;
    while (query.step())
        serials.push_back({query.text(0), query.integer(1), query.text(2)});
    return serials;
}

std::vector<DeviceRegistry::AdmittedCertificate> SqlDevices::admitted_certificates() {
    constexpr std::string_view kOperation = "list admitted certificates";
    Statement query(db_,
                    "SELECT c.fingerprint_sha256, d.facility FROM certificates c "
                    "JOIN devices d ON d.id = c.device_id "
                    "WHERE d.status = 'active' AND c.revoked_at IS NULL AND c.not_after > ?1 "
                    "ORDER BY 1",
                    kOperation);
    query.bind(1, clock_());
    std::vector<AdmittedCertificate> admitted;
    while (query.step())
        admitted.push_back({query.text(0), query.text(1)});
    return admitted;
}

std::vector<std::string> SqlDevices::temporary_fingerprints() {
    Statement query(db_,
                    "SELECT c.fingerprint_sha256 FROM certificates c JOIN devices d ON d.id = c.device_id "
                    "WHERE d.is_temporary <> 0 ORDER BY 1",
                    "list the certificates of temporary devices");
    std::vector<std::string> fingerprints;
    while (query.step()) fingerprints.push_back(query.text(0));
    return fingerprints;
}

std::vector<std::string> SqlDevices::active_fingerprints() {
    std::vector<std::string> fingerprints;
    for (auto& c : admitted_certificates()) fingerprints.push_back(std::move(c.fingerprint));
    return fingerprints;
}

} // namespace sekisho::store::sql
