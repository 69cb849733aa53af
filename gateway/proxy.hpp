// Forwarding one request to its upstream and relaying the response (streamed, never
// buffered whole), or tunnelling a WebSocket after a 101.
#pragma once

#include "gateway/http_types.hpp"
#include "gateway/upstream_pool.hpp"

#include <string>

namespace sekisho::gateway {

struct Runtime;

struct ForwardOutcome {
    enum class Kind {
        relayed,          // the whole response reached the client
        upstream_failed,  // nothing was sent to the client: answer with `status`
        client_failed,    // the client went away or a response broke mid-way: close
        tunnelled,        // a WebSocket ran and ended: close
    };
    Kind kind = Kind::relayed;
    unsigned status = 0;     // the status relayed, or 502/504 to send
    bool keep_alive = false; // relayed and the client connection may be reused
    std::string detail;      // for the log
};

// req has already been rewritten for the upstream. client_buffer holds bytes the client
// sent after the request (only relevant for a WebSocket tunnel).
Task<ForwardOutcome> forward(ClientStream& client, beast::flat_buffer& client_buffer, Request& req,
                             const Runtime& rt, const config::Route& route, UpstreamPool& pool,
                             bool client_keep_alive, bool websocket);

} // namespace sekisho::gateway
