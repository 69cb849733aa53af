// The Lua scripts of the Redis session store. Each runs atomically in Redis, which is what
// makes the per-user cap hold across instances and each expiry reported by exactly one.
//
// Layout under the key prefix P:
//   P s:<hash>   hash: v (sealed under the session id), m (sealed under the index key),
//                seen, created, ends (seconds), mc (must change), u and d (its index keys)
//   P u:<hmac>   sorted set: the user's session hashes by creation time
//   P d:<hmac>   set: the device's session hashes
//   P exp        sorted set: every session hash by its current deadline
// A record outlives its deadline by a grace period so that expire() can still report it.
// Scripts reach index keys named in records, so this layout needs one Redis (or a primary
// with replicas), not Redis Cluster.
// Scripts that hand sessions back return flat hash, m, seen triples.
#pragma once

#include "session/redis/redis_client.hpp"

namespace sekisho::session::redis {

const Script& create_script();   // KEYS s u d exp; ARGV see session_store_redis.cpp
const Script& refresh_script();  // KEYS s exp: moves last-seen, never revives a dead session
const Script& erase_script();    // KEYS s exp
const Script& erase_set_script(); // KEYS index exp: every session of a user or device
const Script& clear_flag_script(); // KEYS s: must-change off
const Script& list_script();     // KEYS exp: the live sessions' index records
const Script& expire_script();   // KEYS exp: removes and returns the dead

} // namespace sekisho::session::redis
