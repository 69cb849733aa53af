// Reading the audit trail back: which records a search selects (time window in JST, event,
// user, device, facility, result) and the frozen export an investigation takes away.
#pragma once

#include "audit/audit_record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

struct AuditQuery {
    std::optional<std::string> since; // RFC 3339 prefix in JST, e.g. 2026-11-22 or 2026-11-22T13:00
    std::optional<std::string> until; // exclusive, same form
    std::optional<std::string> event; // exact, or a prefix ending in '.' or '*' (login.*)
    std::optional<std::string> user;
    std::optional<std::string> device;   // a fingerprint or its leading part
    std::optional<std::string> facility; // the terminal's or the user's
    std::optional<std::string> result;   // success | failure
};

// "failure" for refusals, failures, lockouts, cross-overs and the like, else "success".
std::string audit_result(const audit::ParsedRecord& record);

bool audit_matches(const audit::ParsedRecord& record, const AuditQuery& query);

struct AuditLine {
    std::string file;
    std::size_t line = 0;
    std::string text;
    audit::ParsedRecord record;
};

// Every record of the files in order; throws std::runtime_error naming file:line for one
// that does not parse.
std::vector<AuditLine> read_audit_lines(const std::vector<std::string>& files);

} // namespace sekisho::ctl
