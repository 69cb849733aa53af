// An incident's timeline (issue 16 item 6): its opening, notes, linked alerts and closing in
// time order, each with its JST time and actor — what `sekishoctl incident show` prints and
// what `sekishoctl audit export --incident` freezes beside the audit records.
#pragma once

#include "store/incidents.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace sekisho::ctl {

struct TimelineEntry {
    std::string time;  // RFC 3339 JST (codec::jst_timestamp), sorts as text
    std::string kind;  // opened | note | alert | closed
    std::string actor; // who wrote it (alerts: the gateway)
    std::string text;
    std::int64_t audit_seq = 0; // alerts: the alert.fired record in the trail
    std::string record_sha256;  // alerts: the SHA-256 of that record's line
};

// Oldest first; entries of the same instant in the order opened, alerts, notes, closed.
std::vector<TimelineEntry> incident_timeline(const store::IncidentRecord& record);

// The incident and its timeline as one JSON object (show --json, the export's incident.json).
boost::json::object incident_json(const store::IncidentRecord& record);

// For people: a header and one line per entry (every value escaped for the terminal).
std::string incident_text(const store::IncidentRecord& record);

} // namespace sekisho::ctl
