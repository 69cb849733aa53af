// Incident records (issue 16 item 6, REQUIREMENTS §1 "incidents reach affected hospitals
// within 24 hours", §5 "after an attack the cause can be investigated"): an incident is
// opened with a title, optionally for one facility, gathers notes and the alerts it is about
// (alert.fired records of the audit trail, kept by sequence number and SHA-256 of the record
// so that the trail stays the evidence) and is closed with a resolution. Its timeline is
// what `sekishoctl incident show` prints and what an investigation export takes along.
#pragma once

#include "store/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::store {

// low, medium, high, critical: how urgent; the hospital's own scale maps onto these.
inline constexpr const char* kIncidentSeverities[] = {"low", "medium", "high", "critical"};

struct Incident {
    std::string id; // "inc-" + 16 hex
    std::string title;
    std::string facility; // empty: the whole service (no one facility)
    std::string severity;
    UnixSeconds opened_at = 0;
    std::string opened_by;
    std::optional<UnixSeconds> closed_at;
    std::string closed_by;
    std::string resolution;
};

struct IncidentNote {
    std::int64_t seq = 0;
    UnixSeconds at = 0;
    std::string actor;
    std::string text;
};

// One alert.fired record of the audit trail, as it was when linked.
struct IncidentAlert {
    std::int64_t audit_seq = 0;   // the record's seq in the trail
    std::string record_sha256;    // of the record's line: the evidence it points at
    std::string fired_at;         // the record's time (RFC 3339, JST)
    std::string rule;
    std::string facilities;       // comma-separated, empty for an alert of the whole service
    std::string summary;
    UnixSeconds linked_at = 0;
    std::string linked_by;
};

struct IncidentRecord {
    Incident incident;
    std::vector<IncidentNote> notes;    // oldest first
    std::vector<IncidentAlert> alerts;  // by audit seq
};

// Every write runs in one transaction that also appends to the ledger ("incident.open",
// "incident.note", "incident.link", "incident.close"; subject: the incident id) with its
// actor. Unknown ids, empty text and actors, and changes to a closed incident are refused
// with a RegistryError naming the incident and the operation. Safe from several threads.
class Incidents {
public:
    virtual ~Incidents() = default;

    virtual Incident open_incident(const std::string& title, const std::string& facility, const std::string& severity,
                                   const std::string& actor) = 0;
    virtual void add_note(const std::string& id, const std::string& text, const std::string& actor) = 0;
    // Links the alerts not linked yet (same record hash); returns how many were new.
    virtual std::size_t link_alerts(const std::string& id, const std::vector<IncidentAlert>& alerts,
                                    const std::string& actor) = 0;
    virtual void close_incident(const std::string& id, const std::string& resolution, const std::string& actor) = 0;

    virtual std::optional<IncidentRecord> get_incident(const std::string& id) = 0;
    // Newest first; open ones only when open_only.
    virtual std::vector<Incident> list_incidents(bool open_only) = 0;
};

} // namespace sekisho::store
