// Sessions in Redis, shared by every instance: a login on one instance is a session on all,
// a logout on any ends it everywhere, and the per-user cap counts the sessions of all.
//
// What Redis holds cannot be used, read or forged alone: keys carry the SHA-256 of the
// session id; the session itself is sealed (AES-256-GCM) under a key derived from the id,
// which only the cookie holds, salted with the cluster secret, which only the instances hold
// (so write access to Redis cannot plant a session); what the instances need without a
// cookie (which user and terminal, for the cap, bulk ends and expiry reports) is sealed under
// the cluster's index key, user and device index keys are HMACs under it, and the fields the
// scripts must read in plain (last seen) carry a MAC that the instances check.
//
// The hot path does not wait for Redis: a session read is kept locally for at most
// cache_for (≤ 1 s), and last-seen is written back only when it has moved by write_back.
// Every end is published; each instance drops its copy (and closes the session's
// connections through on_ended_elsewhere) when the message arrives, and in any case
// when its copy ages out.
#pragma once

#include "codec/sealed.hpp"
#include "session/redis/redis_client.hpp"
#include "session/redis/redis_subscriber.hpp"
#include "session/session_cache.hpp"
#include "session/session_store.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

namespace sekisho::session::redis {

struct StoreSettings {
    Endpoint endpoint;
    std::size_t max_connections = 16;
    std::string key_prefix = "sekisho:";
    std::string index_secret;                   // the cluster secret (bytes)
    std::chrono::milliseconds cache_for{1000};  // a local copy's life
    std::int64_t write_back_seconds = 30;       // last-seen granularity (capped by idle / 10)
    std::int64_t grace_seconds = 3600;          // a dead record waits this long for expire()
};

class RedisSessionStore final : public SessionStore {
public:
    RedisSessionStore(boost::asio::any_io_executor executor, StoreSettings settings);
    ~RedisSessionStore() override;

    Task<CreateResult> create(Session s, std::string session_id, SessionLimits limits, UnixSeconds now) override;
    Task<std::optional<Session>> touch(std::string session_id, SessionLimits limits, UnixSeconds now) override;
    Task<bool> erase(std::string id_hash) override;
    Task<std::vector<Session>> erase_user(std::string user, std::string keep) override;
    Task<std::vector<Session>> erase_device(std::string device) override;
    Task<bool> clear_must_change(std::string id_hash) override;
    Task<std::vector<Session>> list(SessionLimits limits, UnixSeconds now) override;
    Task<std::size_t> count(SessionLimits limits, UnixSeconds now) override;
    Task<std::vector<Session>> expire(SessionLimits limits, UnixSeconds now) override;
    void on_ended_elsewhere(std::function<void(const std::string&)> callback) override;
    std::optional<std::string> unavailable() const override;
    std::string describe() const override { return client_.endpoint().describe(); }

private:
    std::string key(std::string_view kind, std::string_view name) const;
    std::string index_key(std::string_view kind, std::string_view value) const; // HMAC-named
    std::string channel() const { return settings_.key_prefix + "ended"; }
    std::string seal_index(const Session& s) const;
    std::string seen_mac(const std::string& id_hash, UnixSeconds seen) const;
    std::string seal_flag(const std::string& id_hash, bool must_change) const;
    // Sessions from the index records a script returned (hash, m, seen triples from `from`
    // on); a record that does not open (another cluster secret, tampered) is skipped.
    std::vector<Session> open_index(const Reply& triples, std::size_t from = 0) const;
    // Runs a command or script and records whether Redis answered (unavailable()).
    Task<Reply> recorded(Task<Reply> op);
    Task<Reply> call(std::vector<std::string> argv);
    Task<Reply> call(const Script& script, std::vector<std::string> keys, std::vector<std::string> args);
    void answered(std::optional<std::string> failure);
    Task<std::optional<Session>> fetch(const std::string& session_id, const std::string& hash,
                                       const SessionLimits& limits, UnixSeconds now);
    void on_message(const std::string& message);
    // Fails (StoreUnavailable) while key_prefix holds the mark of a cluster with another
    // secret: two clusters sharing a prefix would miscount caps, expiries and the gauge.
    // Asks Redis until the mark has been seen once, then again at every expire().
    Task<void> check_cluster(bool again);

    StoreSettings settings_;
    codec::SealKey index_key_;
    codec::SealKey value_salt_; // mixes the cluster secret into every session's own key
    Client client_;
    SessionCache cache_;
    std::unique_ptr<Subscriber> subscriber_;
    mutable std::mutex mutex_;
    std::function<void(const std::string&)> ended_elsewhere_;
    std::optional<std::string> failure_; // the last command's failure, until one succeeds
    std::atomic<bool> cluster_checked_{false};
};

} // namespace sekisho::session::redis
