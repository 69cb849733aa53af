#include "session/redis/redis_ticket_keys.hpp"

#include "codec/random.hpp"

#include <cstring>

namespace sekisho::session::redis {

RedisTicketKeys::RedisTicketKeys(boost::asio::any_io_executor executor, Endpoint endpoint, std::string key_prefix,
                                 const std::string& secret, std::chrono::seconds period)
    : client_(executor, std::move(endpoint), 2), prefix_(std::move(key_prefix)),
      seal_key_(codec::derive_key(secret, "sekisho-tls", "session ticket keys v1")), period_(period) {}

Task<std::vector<TicketKey>> RedisTicketKeys::around(std::int64_t period) {
    const std::string ttl = std::to_string(3 * period_.count() + 60);
    for (std::int64_t p = period; p <= period + 1; ++p) {
        // The sealed bytes name their period: a value copied to another period's key does not open.
        std::vector<std::string> argv{"SET", name(p),
                                      codec::seal(seal_key_, codec::random_bytes(80), name(p)),
                                      "NX", "EX", ttl};
        auto op = client_.command(std::move(argv));
        co_await std::move(op);
    }
    std::vector<std::string> argv{"MGET", name(period - 1), name(period), name(period + 1)};
    auto op = client_.command(std::move(argv));
    const Reply r = co_await std::move(op);
    std::vector<TicketKey> keys;
    for (std::size_t i = 0; i < r.elements.size(); ++i) {
        if (r.elements[i].is_nil()) continue;
        const std::int64_t p = period - 1 + static_cast<std::int64_t>(i);
        const auto plain = codec::open_sealed(seal_key_, r.elements[i].text, name(p));
        if (!plain || plain->size() != 80) continue; // another cluster secret: not ours to use
        TicketKey key;
        key.period = p;
        std::memcpy(key.bytes.data(), plain->data(), 80);
        keys.push_back(key);
    }
    co_return keys;
}

} // namespace sekisho::session::redis
