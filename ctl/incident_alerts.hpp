// Which alerts an incident is about: the alert.fired records of the audit trail (the
// gateway records each alert there, naming its rule and the facilities it concerns), picked
// by sequence number, rule, facility and JST time range, for `sekishoctl incident link`.
#pragma once

#include "store/incidents.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

struct AlertSelection {
    std::vector<std::int64_t> seqs;       // --alert SEQ (any of them)
    std::optional<std::string> rule;      // --rule
    std::optional<std::string> facility;  // --facility: one of the alert's facilities
    std::optional<std::string> since, until; // JST, as audit search reads them (until exclusive)
    bool empty() const { return seqs.empty() && !rule && !facility && !since && !until; }
};

// The trail's files, oldest first: the rotated siblings of audit_file (<file>.<JST time>)
// in name order, then audit_file itself.
std::vector<std::string> trail_files(const std::string& audit_file);

// The alert.fired records of files that match selection, in trail order.
std::vector<store::IncidentAlert> select_alerts(const std::vector<std::string>& files, const AlertSelection& selection);

} // namespace sekisho::ctl
