// Reads the facts of the self-disclosure for real: the configuration file's bytes, the
// registry's counts, the audit trail's last 30 days, the backup folder (verifying the newest
// generation), the clock and the audit file's mode. Whatever cannot be read is said in the
// facts (registry_problem, failures_problem, backups->problems), and the answers that depend
// on it come out いいえ: a broken source never reads as a yes.
#pragma once

#include "disclosure/facts.hpp"
#include "store/registry.hpp"

#include <memory>

namespace sekisho::disclosure {

struct CollectOptions {
    std::string source = "sekishoctl";
    // The registry to count; null: opened from config.registry when configured (sekishoctl).
    // The gateway passes its own.
    std::shared_ptr<store::Registry> registry;
    int failure_days = 30;
    // How long the two slow readings (the trail's counts, the newest backup's verification)
    // may be reused by the next document in this process: the live page's cost does not
    // grow with how often it is asked for. 0 (sekishoctl): always read afresh. A backup
    // reading is redone at once when the folder's generations change.
    std::int64_t reuse_for = 0;
};

// The gateway's version, as the build gives it.
std::string gateway_version();

Facts collect_facts(const config::Config& config, const CollectOptions& options);

// The parts, for the gateway and the tests.
RegistryFacts count_registry(store::Registry& registry);
FailureFacts count_failures(const std::string& audit_file, std::int64_t now, int days);
BackupFacts inspect_backups(const std::string& dir, std::int64_t now);

} // namespace sekisho::disclosure
