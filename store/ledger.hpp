// The registry's append-only ledger: each write of the other interfaces appends its rows in
// the same transaction as the change, so here it is only read — by the gateway's copy into
// the audit trail and by `sekishoctl device ledger`, which need nothing else of the registry.
#pragma once

#include "store/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::store {

struct LedgerEntry {
    std::int64_t seq = 0; // strictly increasing, never reused
    UnixSeconds at = 0;
    std::string actor; // e.g. "admin:alice", "est:ticket"
    // device.create|suspend|resume|revoke, certificate.add|revoke (subject: the device, serial
    // in details), ticket.create|use|failed|locked|attach, user.* (subject: the user)
    std::string action;
    std::string subject; // device id, ticket id or user id
    std::string reason;
    std::string details; // a JSON object
};

// Implementations are safe to call from several threads.
class Ledger {
public:
    virtual ~Ledger() = default;

    // Entries with seq > since_seq, oldest first, at most limit of them.
    virtual std::vector<LedgerEntry> ledger(std::int64_t since_seq = 0, std::size_t limit = 1000) = 0;
};

} // namespace sekisho::store
