// `sekishoctl audit export --incident ID`: the investigation export of one incident — the
// audit records of its period (from its first linked alert or its opening, whichever is
// earlier, to its closing) and its timeline as incident.json, whose linked alerts are checked
// against the exported records (same seq, same SHA-256 of the line).
#pragma once

#include "ctl/audit_query.hpp"
#include "operations/cli_args.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

struct IncidentExport {
    boost::json::object incident; // incident_json()
    std::string since;            // JST
    std::optional<std::string> until;
    std::vector<std::pair<std::int64_t, std::string>> alerts; // audit seq, record SHA-256
};

// nullopt without --incident; else reads the incident from the registry of --config.
std::optional<IncidentExport> incident_for_export(const operations::CliArgs& args);

// Narrows query to the incident's period where the caller gave no --since / --until.
void limit_to_incident(const IncidentExport& incident, AuditQuery& query);

// Writes out/incident.json (read-only) and returns the manifest's "incident" entry: the
// file's SHA-256, and how many linked alerts the exported records hold unchanged.
boost::json::object write_incident(const IncidentExport& incident, const std::filesystem::path& out,
                                   const std::vector<AuditLine>& lines);

} // namespace sekisho::ctl
