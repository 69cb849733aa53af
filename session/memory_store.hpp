// The embedded session store: one process, sessions in memory behind a mutex (every
// worker thread shares it). A restart logs everybody out, which is the safe direction.
#pragma once

#include "session/session_store.hpp"

#include <map>
#include <mutex>
#include <unordered_map>

namespace sekisho::session {

class MemorySessionStore final : public SessionStore {
public:
    Task<CreateResult> create(Session s, std::string session_id, SessionLimits limits, UnixSeconds now) override;
    Task<std::optional<Session>> touch(std::string session_id, SessionLimits limits, UnixSeconds now) override;
    Task<bool> erase(std::string id_hash) override;
    Task<std::vector<Session>> erase_user(std::string user, std::string keep) override;
    Task<std::vector<Session>> erase_device(std::string device) override;
    Task<bool> clear_must_change(std::string id_hash) override;
    Task<std::vector<Session>> list(SessionLimits limits, UnixSeconds now) override;
    Task<std::size_t> count(SessionLimits limits, UnixSeconds now) override;
    Task<std::vector<Session>> expire(SessionLimits limits, UnixSeconds now) override;
    std::string describe() const override { return "memory"; }

private:
    // Caller holds mutex_.
    void remove_locked(const std::string& id_hash);
    void retire_locked(const std::string& id_hash); // expired: removed now, reported by expire()
    template <typename Pred>
    std::vector<Session> erase_where_locked(Pred pred);

    std::mutex mutex_;
    std::unordered_map<std::string, Session> sessions_;                 // by id hash
    std::unordered_map<std::string, std::vector<std::string>> by_user_; // user → id hashes
    std::vector<Session> retired_; // expired sessions found by touch/create, not yet reported
};

} // namespace sekisho::session
