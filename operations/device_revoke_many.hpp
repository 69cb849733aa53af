// Mass revocation from the command line (`sekishoctl device revoke-many`, and the retirement
// of an issuing CA in `pki rollover retire`): criteria and reason from options, a preview
// unless confirmed, and the registry's one revoke_many() call. The logic is here, not in
// device.cpp, so that the administration API can reuse it.
#pragma once

#include "operations/cli_args.hpp"
#include "store/device_registry.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace sekisho::operations {

// --issuer NAME, --facility F, --issued-before DATE (JST unless an offset is given): at least
// one. Throws std::invalid_argument naming the option.
store::RevocationCriteria revocation_criteria_of(const CliArgs& args);

// --reason R (required): an RFC 5280 reason a CA may give for many certificates at once
// (cACompromise included); throws std::invalid_argument listing them.
std::string mass_revocation_reason_of(const CliArgs& args);

struct MassRevocationRequest {
    store::RevocationCriteria criteria;
    std::string reason;
    std::string actor;
    bool dry_run = false; // --dry-run
    bool confirmed = false; // --yes; without it, only the preview
};

// What revoke_many did or would do, for --json.
boost::json::object mass_revocation_json(const store::MassRevocation& result, const MassRevocationRequest& request);
// The same as a table and a closing sentence.
std::string mass_revocation_text(const store::MassRevocation& result, const MassRevocationRequest& request);

// Runs the request (a dry run unless confirmed and not --dry-run) and prints the outcome.
// Returns the exit status: 0, or 1 when --yes was missing (nothing revoked: a script that
// forgot it must not carry on as if it had).
int run_mass_revocation(std::ostream& out, store::DeviceRegistry& devices, const MassRevocationRequest& request,
                        bool json);

} // namespace sekisho::operations
