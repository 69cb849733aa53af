// A short-lived local copy of sessions kept in a shared store, so that the requests of a
// session within cache_for of each other cost one store round trip, not one each. An entry
// older than cache_for is never returned: that bounds how long an end decided on another
// instance can go unnoticed here, even when its announcement was lost.
#pragma once

#include "session/session.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sekisho::session {

class SessionCache {
public:
    using Clock = std::chrono::steady_clock;

    SessionCache(std::chrono::milliseconds life, std::size_t max_entries) : life_(life), max_entries_(max_entries) {}

    struct Entry {
        Session session;
        UnixSeconds stored_seen = 0; // last-seen as the store has it
    };

    std::optional<Entry> get(const std::string& id_hash, Clock::time_point now);
    void put(const std::string& id_hash, Entry entry, Clock::time_point now);
    void drop(const std::string& id_hash);
    void clear();

private:
    struct Held {
        Entry entry;
        Clock::time_point fetched;
    };
    std::chrono::milliseconds life_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, Held> entries_;
};

} // namespace sekisho::session
