// The spraying windows in Redis: one sorted set of failure times and one block marker per
// key, changed by a Lua script so that concurrent failures on several instances are all
// counted and exactly one of them starts the block. Key names are HMACs under the cluster
// secret: a dump shows neither terminals nor addresses.
#pragma once

#include "codec/sealed.hpp"
#include "session/failure_counters.hpp"
#include "session/redis/redis_client.hpp"

#include <mutex>

namespace sekisho::session::redis {

class RedisFailureCounters final : public FailureCounters {
public:
    // scope tells the windows apart ("terminal", "source"); secret: the cluster secret.
    RedisFailureCounters(boost::asio::any_io_executor executor, Endpoint endpoint, std::size_t max_connections,
                         std::string key_prefix, std::string scope, const std::string& secret);

    Task<bool> blocked(std::string key, UnixSeconds now) override;
    Task<bool> record_failure(std::string key, UnixSeconds now) override;
    void set_limits(FailureWindowLimits limits) override;

private:
    std::string name(std::string_view kind, const std::string& key) const;

    Client client_;
    std::string prefix_;
    codec::SealKey name_key_;
    std::mutex mutex_;
    FailureWindowLimits limits_;
};

} // namespace sekisho::session::redis
