// What the request stages know of the connection a request came on, whichever protocol
// carries it: the configuration snapshot it was admitted under, the worker it runs on,
// the terminal's identity from the handshake, and the peer.
#pragma once

#include "gateway/auth/caller.hpp"
#include "gateway/pipeline/connection.hpp"
#include "gateway/upstream/assertion_cache.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sekisho::gateway {

struct Runtime;

struct ConnectionContext {
    ConnectionContext(std::shared_ptr<const Runtime> runtime, WorkerContext& worker_context, std::string peer_text,
                      std::string peer_address)
        : rt(std::move(runtime)), worker(worker_context), peer(std::move(peer_text)),
          peer_ip(std::move(peer_address)), id(next_connection_id()) {}

    // A process nonce and a connection count: unique across restarts, no CSPRNG per connection.
    static std::string next_connection_id();

    std::shared_ptr<const Runtime> rt;
    WorkerContext& worker;
    std::string peer;    // "address:port", for logs
    std::string peer_ip; // X-Forwarded-For
    std::string sni;     // the server name the client asked for at the handshake
    ClientIdentity identity;
    std::string id;      // "<process>-<connection>"
    std::uint64_t requests = 0;
    std::chrono::steady_clock::time_point admitted_at{};
    // The last signed assertion (assertion_cache.hpp): the next request of the same session
    // on the same route skips the worker's lookup.
    std::shared_ptr<const AssertionCache::Entry> assertion;
    ConnectionRegistry::Entry entry;
};

} // namespace sekisho::gateway
