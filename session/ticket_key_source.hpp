// Where the TLS session-ticket keys come from: random keys made in this process (one
// instance), or keys kept in Redis that every instance sharing it uses, so that a terminal
// resumes on any of them (redis/redis_ticket_keys.hpp). Keys belong to rotation periods
// (floor(unix time / period)); a ticket is made under the current period's key and opened
// under the previous, current or next one, so rotation needs no restart and no instance
// is ever ahead of another by more than one period.
#pragma once

#include "session/session_store.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace sekisho::session {

struct TicketKey {
    std::int64_t period = 0;
    std::array<unsigned char, 80> bytes{}; // name (16) | HMAC key (32) | AES-256 key (32)
};

class TicketKeySource {
public:
    virtual ~TicketKeySource() = default;
    // The keys of period - 1, period and period + 1 (those that do not exist yet are made;
    // a previous one already gone is left out). Throws StoreUnavailable.
    virtual Task<std::vector<TicketKey>> around(std::int64_t period) = 0;
};

// Random keys per period, kept in memory for one process.
class LocalTicketKeys final : public TicketKeySource {
public:
    Task<std::vector<TicketKey>> around(std::int64_t period) override;

private:
    std::vector<TicketKey> keys_; // on the caller's strand: the rotation task only
};

} // namespace sekisho::session
