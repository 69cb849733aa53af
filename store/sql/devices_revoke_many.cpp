// Mass revocation (device_registry.hpp, revoke_many): one selection, read and written in the
// same transaction, so that what a dry run lists is what the revocation would take, and a
// revocation is all or nothing with a single revision increment for the gateway to act on.
#include "store/sql/devices_impl.hpp"

namespace sekisho::store::sql {

namespace {

// "issuer=Sekisho Device CA;issued_before=1700000000": the criteria for the ledger.
std::string criteria_text(const RevocationCriteria& criteria) {
    std::string out;
    auto add = [&out](const char* key, const std::string& value) {
        out += (out.empty() ? "" : ";") + std::string(key) + "=" + value;
    };
    if (criteria.issuer) add("issuer", *criteria.issuer);
    if (criteria.facility) add("facility", *criteria.facility);
    if (criteria.issued_before) add("issued_before", std::to_string(*criteria.issued_before));
    return out;
}

struct Candidate {
    MassRevocation::DeviceOutcome outcome;
    std::size_t valid_certificates = 0; // unrevoked, unexpired
};

} // namespace

MassRevocation SqlDevices::revoke_many(const RevocationCriteria& criteria, const std::string& reason,
                                       const std::string& actor, bool dry_run) {
    const std::string operation = "revoke devices where " + criteria_text(criteria);
    if (criteria.empty())
        db_.fail("revoke many devices", "no criterion given (issuer, facility or issued-before): refusing to "
                                        "revoke every device at once");
    db_.check(rules::revocation_reason(reason), operation);
    const std::string stored_reason = rules::revocation_reason_name(reason);
    require_text(db_, actor, "the actor", operation);
    const UnixSeconds now = clock_();
    const bool certificate_criteria = criteria.issuer || criteria.issued_before;

    Transaction tx(db_, dry_run ? Transaction::Kind::read : Transaction::Kind::write, operation);
    // Every device not yet revoked (of the facility), with each of its valid certificates.
    Statement query(db_,
                    "SELECT d.id, d.facility, d.name, d.status, c.serial_hex, c.issuer, c.issued_at "
                    "FROM devices d LEFT JOIN certificates c ON c.device_id = d.id "
                    "AND c.revoked_at IS NULL AND c.not_after > ?2 "
                    "WHERE d.status <> 'revoked' AND (CAST(?1 AS TEXT) IS NULL OR d.facility = ?1) "
                    "ORDER BY d.facility, d.name, d.id, c.issued_at, c.serial_hex",
                    operation);
    query.bind_nullable(1, criteria.facility).bind(2, now);
    std::vector<Candidate> candidates;
    while (query.step()) {
        if (candidates.empty() || candidates.back().outcome.device_id != query.text(0)) {
            Candidate c;
            c.outcome.device_id = query.text(0);
            c.outcome.facility = query.text(1);
            c.outcome.name = query.text(2);
            c.outcome.status_before = parse_device_status(query.text(3));
            candidates.push_back(std::move(c));
        }
        if (query.is_null(4)) continue; // no valid certificate
        Candidate& c = candidates.back();
        ++c.valid_certificates;
        const bool matches = (!criteria.issuer || query.text(5) == *criteria.issuer) &&
                             (!criteria.issued_before || query.integer(6) < *criteria.issued_before);
        if (matches) c.outcome.serials.push_back(query.text(4));
    }

    MassRevocation result;
    result.dry_run = dry_run;
    for (Candidate& c : candidates) {
        if (certificate_criteria && c.outcome.serials.empty()) continue;
        c.outcome.device_revoked = c.outcome.serials.size() == c.valid_certificates;
        result.devices.push_back(std::move(c.outcome));
    }
    if (dry_run || result.devices.empty()) return result;

    const std::string criteria_details = criteria_text(criteria);
    for (const auto& device : result.devices) {
        if (device.device_revoked) {
            write_status(device.device_id, device.status_before, DeviceStatus::revoked, now, stored_reason, actor,
                         operation, criteria_details);
        }
        for (const std::string& serial : device.serials)
            revoke_one(serial, device.device_id, now, stored_reason, actor, operation);
    }
    bump_revision(operation);
    tx.commit();
    return result;
}

} // namespace sekisho::store::sql
