#include "session/session_cache.hpp"

namespace sekisho::session {

std::optional<SessionCache::Entry> SessionCache::get(const std::string& id_hash, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id_hash);
    if (it == entries_.end()) return std::nullopt;
    if (now - it->second.fetched >= life_) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.entry;
}

void SessionCache::put(const std::string& id_hash, Entry entry, Clock::time_point now) {
    if (life_.count() <= 0) return;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_ && !entries_.contains(id_hash)) {
        // Full: what aged out goes first; if all are fresh, all go (a burst of new sessions
        // costs one round trip each, never memory without bound).
        std::erase_if(entries_, [&](const auto& e) { return now - e.second.fetched >= life_; });
        if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_[id_hash] = Held{std::move(entry), now};
}

void SessionCache::drop(const std::string& id_hash) {
    std::lock_guard lock(mutex_);
    entries_.erase(id_hash);
}

void SessionCache::clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

} // namespace sekisho::session
