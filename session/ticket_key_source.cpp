#include "session/ticket_key_source.hpp"

#include "codec/random.hpp"

#include <algorithm>
#include <cstring>

namespace sekisho::session {

Task<std::vector<TicketKey>> LocalTicketKeys::around(std::int64_t period) {
    std::erase_if(keys_, [&](const TicketKey& k) { return k.period < period - 1 || k.period > period + 1; });
    for (std::int64_t p = period - 1; p <= period + 1; ++p) {
        if (std::any_of(keys_.begin(), keys_.end(), [&](const TicketKey& k) { return k.period == p; })) continue;
        if (p == period - 1) continue; // a previous period this process never had
        TicketKey key;
        key.period = p;
        const auto bytes = codec::random_bytes(key.bytes.size());
        std::memcpy(key.bytes.data(), bytes.data(), key.bytes.size());
        keys_.push_back(key);
    }
    std::sort(keys_.begin(), keys_.end(), [](const TicketKey& a, const TicketKey& b) { return a.period < b.period; });
    co_return keys_;
}

} // namespace sekisho::session
