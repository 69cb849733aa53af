#include "session/redis/redis_failure_counters.hpp"

#include "codec/hex.hpp"
#include "codec/random.hpp"

#include <openssl/hmac.h>

#include <charconv>

namespace sekisho::session::redis {
namespace {

// KEYS: failures (sorted set), block (until, in seconds). ARGV: now window max block member.
// Mirrors FailureWindow: a blocked key neither counts nor extends; failures older than the
// window drop out; the max-th inside it starts the block and clears the count.
const Script& record_script() {
    static const Script script(R"lua(
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local blocked_until = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked_until > now then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('EXPIRE', KEYS[1], window + 1)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then return 0 end
local block = tonumber(ARGV[4])
redis.call('SET', KEYS[2], now + block, 'EX', block + 60)
redis.call('DEL', KEYS[1])
return 1
)lua");
    return script;
}

std::string number(std::int64_t v) { return std::to_string(v); }

} // namespace

RedisFailureCounters::RedisFailureCounters(boost::asio::any_io_executor executor, Endpoint endpoint,
                                           std::size_t max_connections, std::string key_prefix, std::string scope,
                                           const std::string& secret)
    : client_(executor, std::move(endpoint), max_connections), prefix_(std::move(key_prefix) + scope + ":"),
      name_key_(codec::derive_key(secret, "sekisho-counters", "failure window names v1")) {}

std::string RedisFailureCounters::name(std::string_view kind, const std::string& key) const {
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), name_key_.data(), static_cast<int>(name_key_.size()),
         reinterpret_cast<const unsigned char*>(key.data()), key.size(), mac, &n);
    return prefix_ + std::string(kind) + ":" + codec::to_lower_hex(mac, n);
}

void RedisFailureCounters::set_limits(FailureWindowLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
}

Task<bool> RedisFailureCounters::blocked(std::string key, UnixSeconds now) {
    std::vector<std::string> argv{"GET", name("b", key)};
    auto op = client_.command(std::move(argv));
    const Reply r = co_await std::move(op);
    if (r.is_nil()) co_return false;
    std::int64_t until = 0;
    std::from_chars(r.text.data(), r.text.data() + r.text.size(), until);
    co_return until > now;
}

Task<bool> RedisFailureCounters::record_failure(std::string key, UnixSeconds now) {
    FailureWindowLimits limits;
    {
        std::lock_guard lock(mutex_);
        limits = limits_;
    }
    std::vector<std::string> keys{name("f", key), name("b", key)};
    // A member of its own per failure: two at the same second on two instances both count.
    std::vector<std::string> args{number(now), number(limits.window_seconds), number(limits.max_failures),
                                  number(limits.block_seconds), codec::to_lower_hex(codec::random_bytes(8))};
    auto op = client_.run_script(record_script(), std::move(keys), std::move(args));
    const Reply r = co_await std::move(op);
    co_return r.integer == 1;
}

} // namespace sekisho::session::redis
