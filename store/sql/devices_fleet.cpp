// The registry at fleet size: registering many devices in one transaction, and the stream
// the gateway keeps its view of the registry with — every certificate once, then only those
// of the devices the ledger says have changed.
#include "store/sql/devices_impl.hpp"
#include "store/sql/ledger.hpp"

namespace sekisho::store::sql {

namespace {

// Rows per page of a complete scan: bounds what one result holds in memory (PostgreSQL's
// client keeps a whole result), while a million certificates stay a hundred queries.
constexpr std::int64_t kScanPage = 10000;
// Beyond this many changed devices since the position asked, reading every certificate costs
// less than reading theirs one device at a time.
constexpr std::int64_t kMostChangedDevices = 100000;

// The columns each scan reads, in the order state_from_row takes them.
constexpr std::string_view kStateColumns =
    "c.fingerprint_sha256, d.facility, d.status, CASE WHEN c.revoked_at IS NULL THEN 1 ELSE 0 END, c.not_after, d.is_temporary";

CertificateState state_from_row(const Statement& row) {
    CertificateState state;
    state.fingerprint = row.text(0);
    state.facility = row.text(1);
    state.admitted = row.text(2) == "active" && row.integer(3) != 0;
    state.not_after = row.integer(4);
    state.temporary = row.integer(5) != 0;
    return state;
}

} // namespace

std::vector<std::string> SqlDevices::import_devices(const std::vector<DeviceImport>& batch,
                                                    const std::string& actor) {
    constexpr std::string_view kOperation = "import devices";
    require_text(db_, actor, "the actor", kOperation);
    std::vector<std::string> ids;
    if (batch.empty()) return ids;
    ids.reserve(batch.size());
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, kOperation);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto& item = batch[i];
        const std::string operation = std::string(kOperation) + " (item " + std::to_string(i + 1) + ")";
        Device device = insert_device(item.facility, item.name, actor, item.temporary, now, operation);
        for (const auto& cert : item.certificates) insert_certificate(device.id, cert, actor, now, operation);
        ids.push_back(std::move(device.id));
    }
    bump_revision(kOperation);
    tx.commit();
    return ids;
}

std::vector<ExpiringDevice> SqlDevices::expiring_devices(UnixSeconds from, UnixSeconds before,
                                                        const std::optional<std::string>& facility,
                                                        std::size_t limit) {
    // From the index on notAfter: the certificates that run out in [from, before), kept when
    // their device is active and has no unrevoked certificate that lasts longer (a renewal).
    Statement query(db_,
                    "SELECT d.id, d.name, d.facility, c.serial_hex, c.not_after FROM certificates c "
                    "JOIN devices d ON d.id = c.device_id "
                    "WHERE c.not_after >= ?1 AND c.not_after < ?2 AND c.revoked_at IS NULL AND d.status = 'active' "
                    "AND (CAST(?3 AS TEXT) IS NULL OR d.facility = ?3) AND NOT EXISTS "
                    "(SELECT 1 FROM certificates l WHERE l.device_id = c.device_id AND l.revoked_at IS NULL AND "
                    "(l.not_after > c.not_after OR (l.not_after = c.not_after AND l.serial_hex > c.serial_hex))) "
                    "ORDER BY c.not_after, d.id LIMIT ?4",
                    "list devices about to expire");
    query.bind(1, from).bind(2, before).bind_nullable(3, facility).bind(4, static_cast<std::int64_t>(limit));
    std::vector<ExpiringDevice> devices;
    while (query.step())
        devices.push_back({query.text(0), query.text(1), query.text(2), query.text(3), query.integer(4)});
    return devices;
}

std::size_t SqlDevices::scan_every_certificate(CertificateSink& sink, std::string_view operation) {
    sink.begin(true);
    std::size_t count = 0;
    // Keyset over the order of recording: each page starts where the last ended, and the
    // rows come in the order they lie in the table (a fingerprint order would read it at
    // random, page by page, and a million certificates from a cold file would take long).
    std::int64_t after = 0;
    for (;;) {
        Statement page(db_,
                       "SELECT " + std::string(kStateColumns) +
                           ", c.rowid FROM certificates c JOIN devices d ON d.id = c.device_id "
                           "WHERE c.rowid > ?1 ORDER BY c.rowid LIMIT ?2",
                       operation);
        page.bind(1, after).bind(2, kScanPage);
        std::int64_t rows = 0;
        while (page.step()) {
            sink.certificate(state_from_row(page));
            after = page.integer(6);
            ++rows;
        }
        count += static_cast<std::size_t>(rows);
        if (rows < kScanPage) return count;
    }
}

namespace {

// What tells one ledger entry from another written under the same number after the ledger
// went back: when, what and whom. "" where there is no entry.
std::string ledger_mark(Connection& db, std::int64_t seq, std::string_view operation) {
    if (seq <= 0) return {};
    Statement row(db, "SELECT at, action, subject, actor FROM ledger WHERE seq = ?1", operation);
    row.bind(1, seq);
    if (!row.step()) return {};
    return std::to_string(row.integer(0)) + " " + row.text(1) + " " + row.text(2) + " " + row.text(3);
}

} // namespace

CertificateScan SqlDevices::scan_certificates(const LedgerPosition& since, CertificateSink& sink) {
    constexpr std::string_view kOperation = "read the certificates' states";
    Transaction tx(db_, Transaction::Kind::read, kOperation);
    CertificateScan scan;
    {
        Statement last(db_, "SELECT COALESCE(MAX(seq), 0) FROM ledger", kOperation);
        last.step();
        scan.through.seq = last.integer(0);
    }
    scan.through.mark = ledger_mark(db_, scan.through.seq, kOperation);
    scan.revision = read_revision(db_);
    // Everything again for a first read, and for a ledger that is not the one read before:
    // behind the position, or another entry at it (a restore, a failover that lost writes).
    bool complete = since.seq <= 0 || since.seq > scan.through.seq ||
                    ledger_mark(db_, since.seq, kOperation) != since.mark;
    if (!complete && since.seq < scan.through.seq) {
        Statement changed(db_,
                          "SELECT COUNT(DISTINCT subject) FROM ledger WHERE seq > ?1 AND "
                          "(action LIKE 'device.%' OR action LIKE 'certificate.%')",
                          kOperation);
        changed.bind(1, since.seq);
        changed.step();
        complete = changed.integer(0) > kMostChangedDevices;
    }
    if (complete) {
        scan.complete = true;
        scan.certificates = scan_every_certificate(sink, kOperation);
    } else {
        sink.begin(false);
        if (since.seq < scan.through.seq) {
            Statement changed(db_,
                              "SELECT " + std::string(kStateColumns) +
                                  " FROM certificates c JOIN devices d ON d.id = c.device_id "
                                  "WHERE c.device_id IN (SELECT subject FROM ledger WHERE seq > ?1 AND "
                                  "(action LIKE 'device.%' OR action LIKE 'certificate.%'))",
                              kOperation);
            changed.bind(1, since.seq);
            while (changed.step()) {
                sink.certificate(state_from_row(changed));
                ++scan.certificates;
            }
        }
    }
    tx.commit();
    return scan;
}

} // namespace sekisho::store::sql
