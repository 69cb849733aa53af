// The session store seam: asynchronous, so that the shared backend (Redis) sits behind it as
// the in-memory one does; make_session_store (store_factory.hpp) alone names a backend.
// Sessions are keyed by the id hash; only create and touch see the id itself, which a store
// may use to seal the session (Redis) but never keeps. Arguments are taken by value: they
// must outlive the suspended coroutine.
//
// A store that cannot answer throws StoreUnavailable: the session is then not "absent" (no
// login loop, no cookie wiped), the request is refused with 503 until the store is back.
#pragma once

#include "session/session.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sekisho::session {

template <typename T>
using Task = boost::asio::awaitable<T>;

struct StoreUnavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CreateResult {
    bool created = false;          // false: the user is at max_per_user and limits refuse more
    std::vector<Session> evicted;  // sessions ended to make room (evict_oldest)
};

class SessionStore {
public:
    virtual ~SessionStore() = default;

    // Stores s (keyed by s.id_hash) unless the user already holds limits.max_per_user live
    // sessions; then refuses or ends the oldest ones, as limits say.
    // session_id is the cookie value s.id_hash was made from.
    virtual Task<CreateResult> create(Session s, std::string session_id, SessionLimits limits, UnixSeconds now) = 0;

    // The live session of the cookie value session_id, with last_seen moved to now; a
    // session past its idle or absolute limit is reported as absent (and left for expire()
    // to report).
    virtual Task<std::optional<Session>> touch(std::string session_id, SessionLimits limits, UnixSeconds now) = 0;

    // True for the one call that ended the session (several instances may race to end it:
    // only the one that did logs it).
    virtual Task<bool> erase(std::string id_hash) = 0;
    // The user's sessions except the one keyed keep (empty: all); returns what was ended.
    virtual Task<std::vector<Session>> erase_user(std::string user, std::string keep) = 0;
    virtual Task<std::vector<Session>> erase_device(std::string device) = 0; // what was ended
    virtual Task<bool> clear_must_change(std::string id_hash) = 0;

    // Live sessions (for the admin view and the registry's enforcement), oldest first.
    virtual Task<std::vector<Session>> list(SessionLimits limits, UnixSeconds now) = 0;
    // How many are live (the sessions gauge), cheaper than list().
    virtual Task<std::size_t> count(SessionLimits limits, UnixSeconds now) = 0;

    // Removes the sessions that are no longer live at now and returns them, so that each
    // expiry is reported once (session.expired); the gateway calls it every few seconds.
    virtual Task<std::vector<Session>> expire(SessionLimits limits, UnixSeconds now) = 0;

    // Told the id hash of each session another instance ended, so that this one closes its
    // connections (a WebSocket tunnel) too. A store of one process never calls it.
    virtual void on_ended_elsewhere(std::function<void(const std::string& id_hash)>) {}

    // Why the store could not answer its last call (for /readyz), or nullopt.
    virtual std::optional<std::string> unavailable() const { return std::nullopt; }
    // Where the sessions are, for logs and /readyz: never a password.
    virtual std::string describe() const = 0;
};

} // namespace sekisho::session
