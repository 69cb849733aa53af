// What the self-disclosure is computed from: the configuration, and what was read or measured
// beside it (the registry's counts, the audit trail's last 30 days, the clock, the backup
// folder, the audit file's mode). Plain data, so that the answers (evaluate.hpp) are a pure
// function of it and testable without any of those; collect.hpp reads them for real.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::disclosure {

struct RegistryFacts {
    std::string location; // "sqlite:/var/lib/sekisho/registry.db", "postgresql://host/db"
    std::size_t devices_active = 0, devices_suspended = 0, devices_revoked = 0;
    std::size_t devices_temporary = 0; // active ones enrolled with a temporary credential
    std::size_t facilities = 0;        // distinct facilities of active devices and users
    std::size_t users_active = 0, users_disabled = 0, users_locked = 0;
    std::size_t break_glass_accounts = 0;
    // Active administrators by role (admin, operator, security, auditor); one person may
    // hold several.
    std::map<std::string, std::size_t> administrators_by_role;
    std::size_t administrators = 0; // active users holding any administration role
};

// Counted from the audit trail's records of the last `days` days.
struct FailureFacts {
    int days = 30;
    std::size_t login_failures = 0;     // login.failed
    std::size_t lockouts = 0;           // login.locked
    std::size_t handshake_refusals = 0; // handshake.refused
    std::size_t crossovers = 0;         // session.crossover
    std::size_t spraying_blocks = 0;    // login.spraying_blocked
    std::size_t break_glass_logins = 0; // login.break_glass
    std::size_t records = 0;            // records of the period read
};

// The kernel's view of clock synchronisation (adjtimex), where the disclosure was made.
struct ClockFacts {
    bool synchronized = false;
    long max_error_us = 0;
};

struct BackupFacts {
    std::string dir;
    std::size_t complete_generations = 0;
    std::string newest;                    // the newest complete generation's name
    std::optional<std::int64_t> newest_age; // seconds since it was made
    bool verified = false;                 // the newest one passed backup verify (files, SHA-256, registry)
    std::vector<std::string> problems;     // what verify found, or why the folder could not be read
    std::int64_t read_at = 0;              // Unix seconds: when the folder was looked at
};

struct AuditFileFacts {
    bool exists = false;
    unsigned mode = 0; // permission bits of the live file
};

struct Facts {
    config::Config config;
    std::string config_sha256;
    std::string version;
    std::string source = "sekishoctl";
    std::int64_t now = 0; // Unix seconds
    std::optional<RegistryFacts> registry;
    std::string registry_problem; // why the registry could not be read (when configured)
    std::optional<FailureFacts> failures;
    std::string failures_problem;
    std::optional<ClockFacts> clock;
    std::optional<BackupFacts> backups; // set whenever config.backup is
    std::optional<AuditFileFacts> audit_file;
    std::string signing_key; // kid of the audit seal key the document will be signed with
};

} // namespace sekisho::disclosure
