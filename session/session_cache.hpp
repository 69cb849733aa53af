// A short-lived local copy of sessions kept in a shared store, so that the requests of a
// session within cache_for of each other cost one store round trip, not one each. An entry
// older than cache_for is never returned: that bounds how long an end decided on another
// instance can go unnoticed here, even when its announcement was lost.
#pragma once

#include "session/session.hpp"

#include <chrono>
#include <cstdint>
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

    // The entry and when it was read from the store; nothing older than life.
    struct Held {
        Entry entry;
        Clock::time_point fetched;
    };
    std::optional<Held> get(const std::string& id_hash, Clock::time_point now);

    // A counter that moves at every drop() and clear(): read it before asking the store, and
    // hand it to put(), which then refuses to keep an answer that an end overtook (a reply
    // read after the end's announcement would otherwise put the ended session back).
    std::uint64_t generation() const;
    // fetched: when the store was asked (not when the entry was last used: a session in
    // steady use must still be read again within life).
    void put(const std::string& id_hash, Entry entry, Clock::time_point fetched, std::uint64_t asked_at_generation);
    void drop(const std::string& id_hash);
    void clear();

private:
    std::chrono::milliseconds life_;
    std::size_t max_entries_;
    mutable std::mutex mutex_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, Held> entries_;
};

} // namespace sekisho::session
