#include "gateway/upstream/assertion_cache.hpp"

#include "gateway/runtime/runtime.hpp"

#include <cstdio>

namespace sekisho::gateway {
namespace {

// A quarter of the lifetime: a backend always receives an assertion with most of it left.
std::chrono::steady_clock::duration reuse_window(const Runtime& rt) {
    return rt.config.assertion.ttl / 4;
}

std::string key_of(const Runtime& rt, const config::Route& route, std::string_view device, std::string_view session) {
    char pointers[48];
    std::snprintf(pointers, sizeof pointers, "%p/%p/", static_cast<const void*>(&rt), static_cast<const void*>(&route));
    std::string key(pointers);
    key.append(device).append("/").append(session);
    return key;
}

} // namespace

bool AssertionCache::serves(const Entry* held, const Runtime& rt, const config::Route& route,
                            const ClientIdentity& id, std::string_view session,
                            std::chrono::steady_clock::time_point now, const std::vector<std::string>& roles) {
    return held && held->runtime.get() == &rt && held->route == &route && held->session == session &&
           held->device == id.device && held->roles == roles && now - held->made < reuse_window(rt);
}

namespace {
const std::vector<std::string> no_roles;
}

std::shared_ptr<const AssertionCache::Entry> AssertionCache::get(const std::shared_ptr<const Runtime>& rt,
                                                                 const config::Route& route, const ClientIdentity& id,
                                                                 const UserIdentity* user,
                                                                 std::chrono::steady_clock::time_point now) {
    const std::string_view session = user ? std::string_view(user->session_ref) : std::string_view();
    auto key = key_of(*rt, route, id.device, session);
    if (auto it = entries_.find(key); it != entries_.end()) {
        if (serves(it->second.get(), *rt, route, id, session, now, user ? user->roles : no_roles)) return it->second;
        entries_.erase(it);
    }
    auto entry = std::make_shared<Entry>();
    entry->token = make_assertion(*rt->assertion_keys.signer, rt->config.assertion, route, id, user, std::chrono::system_clock::now());
    entry->runtime = rt;
    entry->route = &route;
    entry->session = std::string(session);
    entry->device = id.device;
    if (user) entry->roles = user->roles;
    entry->made = now;
    make_room(now);
    entries_.emplace(std::move(key), entry);
    return entry;
}

// Stale entries (and with them the snapshots of an old configuration) go at least once a
// minute and whenever the cache is full; if all are fresh (more sessions than the
// capacity in a quarter of a lifetime), everything goes and the next requests sign again.
void AssertionCache::make_room(std::chrono::steady_clock::time_point now) {
    if (entries_.size() < capacity_ && now - swept_ < std::chrono::minutes(1)) return;
    swept_ = now;
    std::erase_if(entries_, [now](const auto& kv) { return now - kv.second->made >= reuse_window(*kv.second->runtime); });
    if (entries_.size() >= capacity_) entries_.clear();
}

} // namespace sekisho::gateway
