// One client connection on the main listener: TLS handshake, then requests one after the
// other through the pipeline of ARCHITECTURE.md until the connection ends.
#pragma once

#include "gateway/upstream/assertion_cache.hpp"
#include "gateway/listener/connection_limits.hpp"
#include "gateway/listener/peer_address.hpp"
#include "gateway/tls/device_admission.hpp"
#include "gateway/tls/device_sightings.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/events/metrics.hpp"
#include "gateway/runtime/runtime.hpp"
#include "gateway/upstream/upstream_pool.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace sekisho::gateway {

struct Runtime;
namespace auth {
class AuthService;
}

// Live connections of one worker, so a drain can close the idle ones. Worker thread only.
class ConnectionRegistry {
public:
    struct Entry {
        ClientStream* tcp = nullptr;
        bool idle = false;  // waiting for the next request on a kept-alive connection
        bool tunnel = false; // carrying a WebSocket: no request boundary to stop at
        // device and peer point into the connection's own identity, which outlives the entry.
        std::string_view device; // certificate fingerprint, once the handshake is done
        std::string session;     // id hash of the login session of the request being served
        std::string_view peer;
    };
    void add(Entry* e) { entries_.insert(e); }
    void remove(Entry* e) { entries_.erase(e); }
    void close_idle();
    // Closes every connection for which pred(entry) is true, busy or idle.
    template <typename Pred>
    void close_where(Pred pred) {
        for (auto* e : entries_)
            if (pred(*e)) close(*e);
    }
    std::size_t size() const { return entries_.size(); }

private:
    static void close(Entry& e);
    std::unordered_set<Entry*> entries_;
};

// What a connection shares with the rest of its worker.
struct WorkerContext {
    UpstreamPool& pool;
    ConnectionRegistry& registry;
    Metrics& metrics;
    const std::atomic<bool>& draining;
    const DeviceAdmission* admission; // nullptr when no registry is configured
    auth::AuthService* auth;          // nullptr when no registry is configured (no logins)
    AssertionCache& assertions;
    const RuntimeHolder& runtime; // the snapshot in force: a connection on an older one closes
    DeviceSightings* sightings;   // admitted terminals, for the registry's last-seen time; nullptr without a registry
};

// slot: this connection's place under limits.max_connections*, held until it ends.
// client: who the connection is from (the accept loop's word: the socket's peer, or the
// client a trusted balancer's PROXY header names).
Task<void> serve_connection(tcp::socket socket, std::shared_ptr<const Runtime> rt, WorkerContext& worker,
                            ConnectionLimits::Slot slot, Peer client);

} // namespace sekisho::gateway
