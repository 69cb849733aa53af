// Incident records in the registry: the incident, its notes and its linked alerts, each
// write with its ledger row (the actor) in the same transaction.
#include "store/sql/incidents_impl.hpp"

#include "credentials/random_id.hpp"
#include "store/json_details.hpp"
#include "store/registry_rules.hpp"
#include "store/sql/ledger.hpp"

#include <algorithm>
#include <iterator>

namespace sekisho::store::sql {

namespace {

constexpr std::string_view kColumns =
    "id, title, facility, severity, opened_at, opened_by, closed_at, closed_by, resolution";

Incident incident_from_row(const Statement& row) {
    Incident i;
    i.id = row.text(0);
    i.title = row.text(1);
    i.facility = row.text(2);
    i.severity = row.text(3);
    i.opened_at = row.integer(4);
    i.opened_by = row.text(5);
    i.closed_at = row.optional_integer(6);
    i.closed_by = row.text(7);
    i.resolution = row.text(8);
    return i;
}

bool known_severity(const std::string& severity) {
    return std::find(std::begin(kIncidentSeverities), std::end(kIncidentSeverities), severity) !=
           std::end(kIncidentSeverities);
}

} // namespace

std::optional<Incident> SqlIncidents::load(const std::string& id, std::string_view operation) {
    Statement query(db_, "SELECT " + std::string(kColumns) + " FROM incidents WHERE id = ?1", operation);
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return incident_from_row(query);
}

Incident SqlIncidents::require_open(const std::string& id, std::string_view operation) {
    auto incident = load(id, operation);
    if (!incident) db_.fail(operation, "no such incident (sekishoctl incident list)");
    if (incident->closed_at) db_.fail(operation, "the incident is closed; open a new one that refers to it");
    return *incident;
}

Incident SqlIncidents::open_incident(const std::string& title, const std::string& facility,
                                     const std::string& severity, const std::string& actor) {
    const std::string operation = "open an incident";
    db_.check(rules::required_text(title, "the title"), operation);
    db_.check(rules::required_text(actor, "the actor"), operation);
    if (!known_severity(severity)) db_.fail(operation, "severity '" + severity + "' is not low, medium, high or critical");
    Incident incident;
    incident.id = credentials::random_id("inc-");
    incident.title = title;
    incident.facility = facility;
    incident.severity = severity;
    incident.opened_at = clock_();
    incident.opened_by = actor;
    Transaction tx(db_, Transaction::Kind::write, operation);
    Statement insert(db_,
                     "INSERT INTO incidents (id, title, facility, severity, opened_at, opened_by, closed_by, resolution) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', '')",
                     operation);
    insert.bind(1, incident.id).bind(2, title).bind(3, facility).bind(4, severity).bind(5, incident.opened_at);
    insert.bind(6, actor).run();
    append_ledger(db_, incident.opened_at, actor, "incident.open", incident.id, title,
                  JsonDetails().add("facility", facility).add("severity", severity).str());
    bump_revision(db_, operation); // the gateways' ledger copy then takes it into the audit trail
    tx.commit();
    return incident;
}

void SqlIncidents::add_note(const std::string& id, const std::string& text, const std::string& actor) {
    const std::string operation = "add a note to incident " + id;
    db_.check(rules::required_text(text, "the note"), operation);
    db_.check(rules::required_text(actor, "the actor"), operation);
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    require_open(id, operation);
    Statement insert(db_, "INSERT INTO incident_notes (incident_id, at, actor, text) VALUES (?1, ?2, ?3, ?4)",
                     operation);
    insert.bind(1, id).bind(2, now).bind(3, actor).bind(4, text).run();
    append_ledger(db_, now, actor, "incident.note", id, text, "{}");
    bump_revision(db_, operation);
    tx.commit();
}

std::size_t SqlIncidents::link_alerts(const std::string& id, const std::vector<IncidentAlert>& alerts,
                                      const std::string& actor) {
    const std::string operation = "link alerts to incident " + id;
    db_.check(rules::required_text(actor, "the actor"), operation);
    if (alerts.empty()) db_.fail(operation, "no alert to link");
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    require_open(id, operation);
    std::size_t added = 0;
    std::string seqs;
    for (const auto& alert : alerts) {
        db_.check(rules::required_text(alert.record_sha256, "the alert record's hash"), operation);
        Statement known(db_, "SELECT 1 FROM incident_alerts WHERE incident_id = ?1 AND record_sha256 = ?2", operation);
        known.bind(1, id).bind(2, alert.record_sha256);
        if (known.step()) continue;
        Statement insert(db_,
                         "INSERT INTO incident_alerts (incident_id, audit_seq, record_sha256, fired_at, rule, facilities, "
                         "summary, linked_at, linked_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         operation);
        insert.bind(1, id).bind(2, alert.audit_seq).bind(3, alert.record_sha256).bind(4, alert.fired_at);
        insert.bind(5, alert.rule).bind(6, alert.facilities).bind(7, alert.summary).bind(8, now).bind(9, actor).run();
        seqs += (seqs.empty() ? "" : ",") + std::to_string(alert.audit_seq);
        ++added;
    }
    if (added > 0) {
        append_ledger(db_, now, actor, "incident.link", id, std::to_string(added) + " alerts",
                      JsonDetails().add("audit_seqs", seqs).str());
        bump_revision(db_, operation);
    }
    tx.commit();
    return added;
}

void SqlIncidents::close_incident(const std::string& id, const std::string& resolution, const std::string& actor) {
    const std::string operation = "close incident " + id;
    db_.check(rules::required_text(resolution, "the resolution"), operation);
    db_.check(rules::required_text(actor, "the actor"), operation);
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    require_open(id, operation);
    Statement update(db_,
                     "UPDATE incidents SET closed_at = ?2, closed_by = ?3, resolution = ?4 "
                     "WHERE id = ?1 AND closed_at IS NULL",
                     operation);
    update.bind(1, id).bind(2, now).bind(3, actor).bind(4, resolution).run();
    append_ledger(db_, now, actor, "incident.close", id, resolution, "{}");
    bump_revision(db_, operation);
    tx.commit();
}

std::optional<IncidentRecord> SqlIncidents::get_incident(const std::string& id) {
    const std::string operation = "read incident " + id;
    Transaction tx(db_, Transaction::Kind::read, operation);
    auto incident = load(id, operation);
    if (!incident) return std::nullopt;
    IncidentRecord record;
    record.incident = std::move(*incident);
    Statement notes(db_, "SELECT seq, at, actor, text FROM incident_notes WHERE incident_id = ?1 ORDER BY seq",
                    operation);
    notes.bind(1, id);
    while (notes.step())
        record.notes.push_back({notes.integer(0), notes.integer(1), notes.text(2), notes.text(3)});
    Statement alerts(db_,
                     "SELECT audit_seq, record_sha256, fired_at, rule, facilities, summary, linked_at, linked_by "
                     "FROM incident_alerts WHERE incident_id = ?1 ORDER BY audit_seq",
                     operation);
    alerts.bind(1, id);
    while (alerts.step())
        record.alerts.push_back({alerts.integer(0), alerts.text(1), alerts.text(2), alerts.text(3), alerts.text(4),
                                 alerts.text(5), alerts.integer(6), alerts.text(7)});
    tx.commit();
    return record;
}

std::vector<Incident> SqlIncidents::list_incidents(bool open_only) {
    const std::string operation = "list incidents";
    Statement query(db_,
                    "SELECT " + std::string(kColumns) + " FROM incidents" +
                        (open_only ? " WHERE closed_at IS NULL" : "") + " ORDER BY opened_at DESC, id",
                    operation);
    std::vector<Incident> out;
    while (query.step()) out.push_back(incident_from_row(query));
    return out;
}

} // namespace sekisho::store::sql
