// The audit trail's head when a backup is made: the last complete record of audit.file, its
// seq and SHA-256. A backup does not copy the trail (it has its own retention), but with the
// head in the manifest the trail found after a restore can be checked to still hold that
// record — the records up to the backup neither cut off nor replaced — with the chain and
// the seals (audit verify, the seal's public key in the generation) covering the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sekisho::backup {

struct AuditHead {
    std::uint64_t seq = 0;
    std::string sha256; // of the record's line, as its successor's prev names it
};

// nullopt when the file is missing or holds no complete record yet. Reads only the file's
// end: the gateway may be appending to it meanwhile.
std::optional<AuditHead> audit_head(const std::string& audit_file);

} // namespace sekisho::backup
