// `sekishoctl audit purge` and `sekishoctl audit hold`: retention with a deletion duty and
// legal holds over investigation exports (audit/retention.hpp, audit/legal_hold.hpp),
// on the trail that --config's audit.file names, with its audit.retention. Both write the
// retention register beside the trail, naming the OS user who ran them; a running gateway
// copies its records into the trail within alerts.volume_check_interval (at the next
// start otherwise).
#pragma once

#include "operations/cli_args.hpp"

#include <string>

namespace sekisho::ctl {

// purge [--dry-run] [--json]: deletes the rotated files past retention, reports the held ones.
int audit_purge(const operations::CliArgs& args, const std::string& usage);

// hold add NAME --export DIR --reason TEXT | hold list [--json] | hold remove NAME
int audit_hold(const operations::CliArgs& args, const std::string& usage);

} // namespace sekisho::ctl
