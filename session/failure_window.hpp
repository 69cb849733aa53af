// Counting login failures per key (a terminal, a source address) in a sliding window: the
// max-th failure inside the window blocks the key for a while. Against password spraying,
// where each user sees too few failures to lock but one terminal or address sees many.
// In memory, shared by all worker threads; a later issue moves it next to the sessions.
#pragma once

#include "session/session.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sekisho::session {

struct FailureWindowLimits {
    unsigned max_failures = 10;
    std::int64_t window_seconds = 600;
    std::int64_t block_seconds = 900;
};

class FailureWindow {
public:
    explicit FailureWindow(FailureWindowLimits limits) : limits_(limits) {}

    // Whether key is blocked at now.
    bool blocked(const std::string& key, UnixSeconds now);
    // Counts a failure; true when it is the one that starts a block.
    bool record_failure(const std::string& key, UnixSeconds now);
    // Replaces the limits (a configuration reload); counts are kept.
    void set_limits(FailureWindowLimits limits);

private:
    struct Entry {
        std::deque<UnixSeconds> failures;
        UnixSeconds blocked_until = 0;
    };
    void prune_locked(UnixSeconds now);

    std::mutex mutex_;
    FailureWindowLimits limits_;
    std::unordered_map<std::string, Entry> entries_;
    UnixSeconds last_prune_ = 0;
};

} // namespace sekisho::session
