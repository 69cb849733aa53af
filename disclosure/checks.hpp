// The checks, grouped by subject (evaluate_*.cpp); evaluate.cpp dispatches to them.
// Internal to disclosure/.
#pragma once

#include "disclosure/evaluate.hpp"

namespace sekisho::disclosure::checks {

// Building a Verdict: remarks and remedies are written a sentence at a time in both languages.
void say(Text& text, const std::string& ja, const std::string& en);
std::string count(std::size_t n);
std::string join(const std::vector<std::string>& parts, const std::string& separator);
// Routes whose upstream is plain http to an address other than loopback.
std::vector<std::string> plain_remote_upstreams(const config::Config& config);
// Routes that admit on the terminal certificate alone (login: false).
std::vector<std::string> certificate_only_routes(const config::Config& config);

// evaluate_transport.cpp
Verdict transport_client_auth(const Facts& facts);
Verdict encryption(const Facts& facts);
Verdict eavesdropping(const Facts& facts);
Verdict tampering(const Facts& facts);
Verdict peer_verification(const Facts& facts);
Verdict spoofing(const Facts& facts);
Verdict remote_login(const Facts& facts);

// evaluate_accounts.cpp
Verdict access_control(const Facts& facts);
Verdict two_factor(const Facts& facts);
Verdict device_fallback(const Facts& facts);
Verdict roles(const Facts& facts);
Verdict identification(const Facts& facts);
Verdict unattended_terminal(const Facts& facts);
Verdict emergency_accounts(const Facts& facts);
Verdict emergency_procedure(const Facts& facts);
Verdict emergency_end(const Facts& facts);

// evaluate_devices.cpp
Verdict terminal_management(const Facts& facts);
Verdict registered_devices_only(const Facts& facts);
Verdict device_ledger(const Facts& facts);
Verdict redundancy(const Facts& facts);

// evaluate_records.cpp
Verdict access_log(const Facts& facts);
Verdict access_history(const Facts& facts);
Verdict log_protection(const Facts& facts);
Verdict time_accuracy(const Facts& facts);
Verdict incident_contact(const Facts& facts);
Verdict maintenance_log(const Facts& facts);
Verdict maintenance_record(const Facts& facts);
Verdict backup_generations(const Facts& facts);
Verdict restore(const Facts& facts);

} // namespace sekisho::disclosure::checks
