#include "session/memory_store.hpp"

#include "session/session_id.hpp"

#include <algorithm>

namespace sekisho::session {

void MemorySessionStore::remove_locked(const std::string& id_hash) {
    auto it = sessions_.find(id_hash);
    if (it == sessions_.end()) return;
    auto owner = by_user_.find(it->second.user);
    if (owner != by_user_.end()) {
        std::erase(owner->second, id_hash);
        if (owner->second.empty()) by_user_.erase(owner);
    }
    sessions_.erase(it);
}

void MemorySessionStore::retire_locked(const std::string& id_hash) {
    auto it = sessions_.find(id_hash);
    if (it == sessions_.end()) return;
    retired_.push_back(it->second);
    remove_locked(id_hash);
}

template <typename Pred>
std::vector<Session> MemorySessionStore::erase_where_locked(Pred pred) {
    std::vector<Session> ended;
    for (const auto& [hash, s] : sessions_)
        if (pred(s)) ended.push_back(s);
    for (const auto& s : ended) remove_locked(s.id_hash);
    return ended;
}

Task<CreateResult> MemorySessionStore::create(Session s, std::string, SessionLimits limits, UnixSeconds now) {
    CreateResult result;
    std::lock_guard lock(mutex_);
    std::vector<Session> held;
    if (auto owner = by_user_.find(s.user); owner != by_user_.end()) {
        for (const auto& hash : owner->second) held.push_back(sessions_.at(hash));
    }
    for (const auto& old : held)
        if (!is_live(old, limits, now)) retire_locked(old.id_hash);
    std::erase_if(held, [&](const Session& old) { return !is_live(old, limits, now); });
    if (held.size() >= limits.max_per_user) {
        if (!limits.evict_oldest) co_return result;
        std::sort(held.begin(), held.end(),
                  [](const Session& a, const Session& b) { return a.created_at < b.created_at; });
        const std::size_t excess = held.size() - limits.max_per_user + 1;
        for (std::size_t i = 0; i < excess; ++i) {
            remove_locked(held[i].id_hash);
            result.evicted.push_back(held[i]);
        }
    }
    by_user_[s.user].push_back(s.id_hash);
    sessions_[s.id_hash] = std::move(s);
    result.created = true;
    co_return result;
}

Task<std::optional<Session>> MemorySessionStore::touch(std::string session_id, SessionLimits limits, UnixSeconds now) {
    const std::string id_hash = hash_session_id(session_id);
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id_hash);
    if (it == sessions_.end()) co_return std::nullopt;
    if (!is_live(it->second, limits, now)) {
        retire_locked(id_hash); // gone for good, reported by expire()
        co_return std::nullopt;
    }
    it->second.last_seen = now;
    co_return it->second;
}

Task<bool> MemorySessionStore::erase(std::string id_hash) {
    std::lock_guard lock(mutex_);
    const bool found = sessions_.contains(id_hash);
    remove_locked(id_hash);
    co_return found;
}

Task<std::vector<Session>> MemorySessionStore::erase_user(std::string user, std::string keep) {
    std::lock_guard lock(mutex_);
    co_return erase_where_locked([&](const Session& s) { return s.user == user && s.id_hash != keep; });
}

Task<std::vector<Session>> MemorySessionStore::erase_device(std::string device) {
    std::lock_guard lock(mutex_);
    co_return erase_where_locked([&](const Session& s) { return s.device == device; });
}

Task<bool> MemorySessionStore::clear_must_change(std::string id_hash) {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id_hash);
    if (it == sessions_.end()) co_return false;
    it->second.must_change = false;
    co_return true;
}

Task<std::vector<Session>> MemorySessionStore::list(SessionLimits limits, UnixSeconds now) {
    std::vector<Session> out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [hash, s] : sessions_)
            if (is_live(s, limits, now)) out.push_back(s);
    }
    std::sort(out.begin(), out.end(), [](const Session& a, const Session& b) { return a.created_at < b.created_at; });
    co_return out;
}

Task<std::size_t> MemorySessionStore::count(SessionLimits limits, UnixSeconds now) {
    std::lock_guard lock(mutex_);
    co_return static_cast<std::size_t>(std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& e) {
        return is_live(e.second, limits, now);
    }));
}

Task<std::vector<Session>> MemorySessionStore::expire(SessionLimits limits, UnixSeconds now) {
    std::lock_guard lock(mutex_);
    auto ended = erase_where_locked([&](const Session& s) { return !is_live(s, limits, now); });
    ended.insert(ended.begin(), std::make_move_iterator(retired_.begin()), std::make_move_iterator(retired_.end()));
    retired_.clear();
    co_return ended;
}

} // namespace sekisho::session
