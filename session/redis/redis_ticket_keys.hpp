// TLS session-ticket keys in Redis, one per rotation period, sealed under the cluster secret
// (a dump of Redis does not give them away, and they never appear in a log). The first
// instance to ask for a period's key makes it (SET NX): every instance then reads the same.
// They expire three periods after theirs.
#pragma once

#include "codec/sealed.hpp"
#include "session/redis/redis_client.hpp"
#include "session/ticket_key_source.hpp"

#include <chrono>

namespace sekisho::session::redis {

class RedisTicketKeys final : public TicketKeySource {
public:
    RedisTicketKeys(boost::asio::any_io_executor executor, Endpoint endpoint, std::string key_prefix,
                    const std::string& secret, std::chrono::seconds period);

    Task<std::vector<TicketKey>> around(std::int64_t period) override;

private:
    std::string name(std::int64_t period) const { return prefix_ + "tls-ticket:" + std::to_string(period); }

    Client client_;
    std::string prefix_;
    codec::SealKey seal_key_;
    std::chrono::seconds period_;
};

} // namespace sekisho::session::redis
