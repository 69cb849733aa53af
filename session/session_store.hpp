// The session store seam: asynchronous so that a networked backend (Redis, a later issue)
// fits behind it without changing callers. Every operation is keyed by the id hash or by
// the owner, never by the cookie value. Arguments are taken by value: they must outlive
// the suspended coroutine.
#pragma once

#include "session/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::session {

template <typename T>
using Task = boost::asio::awaitable<T>;

struct CreateResult {
    bool created = false;          // false: the user is at max_per_user and limits refuse more
    std::vector<Session> evicted;  // sessions ended to make room (evict_oldest)
};

class SessionStore {
public:
    virtual ~SessionStore() = default;

    // Stores s (keyed by s.id_hash) unless the user already holds limits.max_per_user live
    // sessions; then refuses or ends the oldest ones, as limits say.
    virtual Task<CreateResult> create(Session s, SessionLimits limits, UnixSeconds now) = 0;

    // The live session under id_hash, with last_seen moved to now; a session past its idle
    // or absolute limit is reported as absent (and left for expire() to report).
    virtual Task<std::optional<Session>> touch(std::string id_hash, SessionLimits limits, UnixSeconds now) = 0;

    virtual Task<bool> erase(std::string id_hash) = 0;
    // The user's sessions except the one keyed keep (empty: all); returns what was ended.
    virtual Task<std::vector<Session>> erase_user(std::string user, std::string keep) = 0;
    virtual Task<std::vector<Session>> erase_device(std::string device) = 0; // what was ended
    virtual Task<bool> clear_must_change(std::string id_hash) = 0;

    // Live sessions (for the admin view and metrics), oldest first.
    virtual Task<std::vector<Session>> list(SessionLimits limits, UnixSeconds now) = 0;

    // Removes the sessions that are no longer live at now and returns them, so that each
    // expiry is reported once (session.expired); the gateway calls it every few seconds.
    virtual Task<std::vector<Session>> expire(SessionLimits limits, UnixSeconds now) = 0;
};

} // namespace sekisho::session
