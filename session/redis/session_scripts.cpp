#include "session/redis/session_scripts.hpp"

namespace sekisho::session::redis {
namespace {

// Shared by every script: when a session ends, given its fields and the limits.
constexpr const char* kDeadline = R"lua(
local function deadline(seen, created, ends, idle, absolute)
  local d = math.min(seen + idle, created + absolute)
  if ends > 0 and ends < d then d = ends end
  return d
end
local function remove(prefix, channel, h, exp)
  local k = prefix .. 's:' .. h
  local f = redis.call('HMGET', k, 'u', 'd', 'm', 'seen')
  if f[1] then redis.call('ZREM', f[1], h) end
  if f[2] then redis.call('SREM', f[2], h) end
  redis.call('ZREM', exp, h)
  redis.call('DEL', k)
  redis.call('PUBLISH', channel, 'end:' .. h)
  return f
end
local function keep_until(key, seconds)
  local ttl = redis.call('TTL', key)
  if ttl >= 0 and ttl < seconds then redis.call('EXPIRE', key, seconds) end
  if ttl == -1 then redis.call('EXPIRE', key, seconds) end
end
)lua";

Script with_helpers(const char* body) { return Script(std::string(kDeadline) + body); }

} // namespace

// ARGV: hash v m now created ends mc idle absolute max evict grace prefix channel seen-mac
const Script& create_script() {
    static const Script script = with_helpers(R"lua(
local h, now = ARGV[1], tonumber(ARGV[4])
local idle, absolute, max = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local grace, prefix, channel = tonumber(ARGV[12]), ARGV[13], ARGV[14]
local live = {}
for _, other in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local f = redis.call('HMGET', prefix .. 's:' .. other, 'seen', 'created', 'ends')
  if f[1] and deadline(tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), idle, absolute) > now then
    table.insert(live, other)
  end
end
local result = {1}
if #live >= max then
  if ARGV[11] ~= '1' then return {0} end
  for i = 1, #live - max + 1 do
    local f = remove(prefix, channel, live[i], KEYS[4])
    table.insert(result, live[i])
    table.insert(result, f[3] or '')
    table.insert(result, f[4] or '0')
  end
end
local created, ends = tonumber(ARGV[5]), tonumber(ARGV[6])
local d = deadline(now, created, ends, idle, absolute)
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[3], 'seen', now, 'sm', ARGV[15], 'created', created,
           'ends', ends, 'mc', ARGV[7], 'u', KEYS[2], 'd', KEYS[3])
redis.call('EXPIRE', KEYS[1], math.max(1, d - now + grace))
redis.call('ZADD', KEYS[2], created, h)
redis.call('SADD', KEYS[3], h)
redis.call('ZADD', KEYS[4], d, h)
keep_until(KEYS[2], absolute + grace)
keep_until(KEYS[3], absolute + grace)
return result
)lua");
    return script;
}

// ARGV: hash now idle absolute grace seen-mac. 1: moved (or already later); 0: gone or
// already dead (left for expire). seen and its MAC move together.
const Script& refresh_script() {
    static const Script script = with_helpers(R"lua(
local f = redis.call('HMGET', KEYS[1], 'seen', 'created', 'ends')
if not f[1] then return 0 end
local now, idle, absolute = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local seen, created, ends = tonumber(f[1]), tonumber(f[2]), tonumber(f[3])
if deadline(seen, created, ends, idle, absolute) <= now then return 0 end
if now > seen then
  seen = now
  redis.call('HSET', KEYS[1], 'seen', seen, 'sm', ARGV[6])
end
local d = deadline(seen, created, ends, idle, absolute)
redis.call('ZADD', KEYS[2], d, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.max(1, d - now + tonumber(ARGV[5])))
return 1
)lua");
    return script;
}

// ARGV: hash prefix channel. 1 for the one caller that ended it.
const Script& erase_script() {
    static const Script script = with_helpers(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
remove(ARGV[2], ARGV[3], ARGV[1], KEYS[2])
return 1
)lua");
    return script;
}

// ARGV: keep prefix channel. Returns hash, m, seen triples of what was ended.
const Script& erase_set_script() {
    static const Script script = with_helpers(R"lua(
local members
if redis.call('TYPE', KEYS[1]).ok == 'zset' then
  members = redis.call('ZRANGE', KEYS[1], 0, -1)
else
  members = redis.call('SMEMBERS', KEYS[1])
end
local result = {}
for _, h in ipairs(members) do
  if h ~= ARGV[1] then
    local f = remove(ARGV[2], ARGV[3], h, KEYS[2])
    if f[3] then
      table.insert(result, h)
      table.insert(result, f[3])
      table.insert(result, f[4])
    end
  end
end
return result
)lua");
    return script;
}

// ARGV: hash channel sealed-flag.
const Script& clear_flag_script() {
    static const Script script = Script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'mc', ARGV[3])
redis.call('PUBLISH', ARGV[2], 'chg:' .. ARGV[1])
return 1
)lua");
    return script;
}

// ARGV: now idle absolute prefix. Returns hash, m, seen triples, oldest first.
const Script& list_script() {
    static const Script script = with_helpers(R"lua(
local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local result = {}
for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')) do
  local f = redis.call('HMGET', ARGV[4] .. 's:' .. h, 'm', 'seen', 'created', 'ends')
  if f[1] and deadline(tonumber(f[2]), tonumber(f[3]), tonumber(f[4]), idle, absolute) > now then
    table.insert(result, h)
    table.insert(result, f[1])
    table.insert(result, f[2])
  end
end
return result
)lua");
    return script;
}

// ARGV: now idle absolute prefix channel batch. Returns hash, m, seen triples of the dead it removed.
const Script& expire_script() {
    static const Script script = with_helpers(R"lua(
local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local prefix, channel = ARGV[4], ARGV[5]
local result = {}
for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[6]))) do
  local f = redis.call('HMGET', prefix .. 's:' .. h, 'seen', 'created', 'ends')
  if not f[1] then
    redis.call('ZREM', KEYS[1], h)
  else
    local d = deadline(tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), idle, absolute)
    if d > now then
      redis.call('ZADD', KEYS[1], d, h)
    else
      local r = remove(prefix, channel, h, KEYS[1])
      table.insert(result, h)
      table.insert(result, r[3] or '')
      table.insert(result, r[4] or '0')
    end
  end
end
return result
)lua");
    return script;
}

} // namespace sekisho::session::redis
