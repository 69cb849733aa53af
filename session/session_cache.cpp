#include "session/session_cache.hpp"

namespace sekisho::session {

std::optional<SessionCache::Held> SessionCache::get(const std::string& id_hash, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id_hash);
    if (it == entries_.end()) return std::nullopt;
    if (now - it->second.fetched >= life_) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second;
}

std::uint64_t SessionCache::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

void SessionCache::put(const std::string& id_hash, Entry entry, Clock::time_point fetched,
                       std::uint64_t asked_at_generation) {
    if (life_.count() <= 0) return;
    const auto now = fetched;
    std::lock_guard lock(mutex_);
    if (generation_ != asked_at_generation) return; // an end (of some session) overtook the read
    if (entries_.size() >= max_entries_ && !entries_.contains(id_hash)) {
        // Full: what aged out goes first; if all are fresh, all go (a burst of new sessions
        // costs one round trip each, never memory without bound).
        std::erase_if(entries_, [&](const auto& e) { return now - e.second.fetched >= life_; });
        if (entries_.size() >= max_entries_) entries_.clear();
    }
    entries_[id_hash] = Held{std::move(entry), fetched};
}

void SessionCache::drop(const std::string& id_hash) {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.erase(id_hash);
}

void SessionCache::clear() {
    std::lock_guard lock(mutex_);
    ++generation_;
    entries_.clear();
}

} // namespace sekisho::session
