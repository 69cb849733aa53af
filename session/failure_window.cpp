#include "session/failure_window.hpp"

namespace sekisho::session {

bool FailureWindow::blocked(const std::string& key, UnixSeconds now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    return it != entries_.end() && it->second.blocked_until > now;
}

bool FailureWindow::record_failure(const std::string& key, UnixSeconds now) {
    std::lock_guard lock(mutex_);
    prune_locked(now);
    auto& entry = entries_[key];
    if (entry.blocked_until > now) return false; // already blocked: neither counts nor extends
    entry.failures.push_back(now);
    while (!entry.failures.empty() && now - entry.failures.front() >= limits_.window_seconds)
        entry.failures.pop_front();
    if (entry.failures.size() < limits_.max_failures) return false;
    entry.blocked_until = now + limits_.block_seconds;
    entry.failures.clear();
    return true;
}

void FailureWindow::set_limits(FailureWindowLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
}

// Keys with nothing in the window and no block are forgotten, at most once a minute, so a
// scan over many addresses cannot grow the table without bound.
void FailureWindow::prune_locked(UnixSeconds now) {
    if (now - last_prune_ < 60) return;
    last_prune_ = now;
    std::erase_if(entries_, [&](const auto& item) {
        const auto& e = item.second;
        return e.blocked_until <= now && (e.failures.empty() || now - e.failures.back() >= limits_.window_seconds);
    });
}

} // namespace sekisho::session
