// Checking an audit trail: every line a record, numbers without gaps, each prev the hash of
// the line before, every seal signed by the sealing key over the head it names. Catches an
// edit, a deletion, an insertion and a reordering anywhere before the last seal; records
// after the last seal are counted apart (the chain holds them, no signature does yet).
// Files deleted past retention are no gap when the retention register records them.
#pragma once

#include "pki/ossl.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::audit {

struct VerifyResult {
    bool ok = false;
    std::uint64_t records = 0;
    std::uint64_t seals = 0;
    std::uint64_t unsealed_tail = 0; // records after the last seal
    std::uint64_t first_seq = 0, last_seq = 0;
    std::uint64_t files = 0;        // verify_trail: the files read
    std::uint64_t purged_files = 0; // verify_trail: purged files the register accounts for
    std::string problem; // "file:line: reason" for the first broken record
};

// files in chain order (oldest rotated first, the live file last). seal_key: the public
// key that verifies the seals, or nullptr to check the chain only (seals are then counted
// but not trusted).
// A piece of a trail is fine: the first file may start anywhere.
VerifyResult verify_chain(const std::vector<std::string>& files, EVP_PKEY* seal_key);

// The whole trail at trail_path (audit.file): its rotated files and the live file, found
// in the folder (trail_files.hpp). It must start at record 1, or where files purged past
// retention end; every gap must be files the retention register records as purged
// (retention_register.hpp). A file deleted without that record — the oldest one too — is
// reported like any other missing record.
VerifyResult verify_trail(const std::string& trail_path, EVP_PKEY* seal_key);

} // namespace sekisho::audit
