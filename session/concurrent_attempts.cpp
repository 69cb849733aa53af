#include "session/concurrent_attempts.hpp"

namespace sekisho::session {

ConcurrentAttempts::Slot::~Slot() {
    if (owner_) owner_->release(keys_);
}

ConcurrentAttempts::Slot ConcurrentAttempts::acquire(const std::vector<std::string>& keys) {
    std::lock_guard lock(mutex_);
    Slot slot;
    if (in_flight_ >= total_) return slot;
    for (const auto& key : keys) {
        auto it = by_key_.find(key);
        if (it != by_key_.end() && it->second >= per_key_) return slot;
    }
    for (const auto& key : keys) ++by_key_[key];
    ++in_flight_;
    slot.owner_ = this;
    slot.keys_ = keys;
    return slot;
}

void ConcurrentAttempts::release(const std::vector<std::string>& keys) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    for (const auto& key : keys) {
        auto it = by_key_.find(key);
        if (it != by_key_.end() && --it->second == 0) by_key_.erase(it);
    }
}

} // namespace sekisho::session
