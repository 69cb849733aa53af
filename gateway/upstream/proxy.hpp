// Forwarding one request to its upstream and relaying the response (streamed, never
// buffered whole), or tunnelling a WebSocket after a 101.
#pragma once

#include "gateway/http/http_types.hpp"
#include "gateway/http/response_sink.hpp"
#include "gateway/upstream/upstream_pool.hpp"

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
    bool upstream_reusable = false; // relayed and the upstream connection may serve another
    std::string detail;      // for the log

    static ForwardOutcome relayed(unsigned status, bool keep_alive, bool upstream_reusable) {
        return {Kind::relayed, status, keep_alive, upstream_reusable, {}};
    }
    static ForwardOutcome upstream_failed(unsigned status, std::string detail) {
        return {Kind::upstream_failed, status, false, false, std::move(detail)};
    }
    static ForwardOutcome client_failed(unsigned status, std::string detail) {
        return {Kind::client_failed, status, false, false, std::move(detail)};
    }
    static ForwardOutcome tunnelled() { return {Kind::tunnelled, 101, false, false, {}}; }
};

// One request on its way upstream, already rewritten for it (rewrite_for_upstream).
struct Forwarding {
    Request& request;
    const Runtime& runtime;
    const config::Route& route;
    bool client_keep_alive; // the client's connection may carry another request
    bool websocket;         // an upgrade the route allows: a 101 opens a tunnel
};

// The response goes to `client` (streamed, never buffered whole). f by value: the coroutine
// starts when awaited, after a temporary argument would be gone.
Task<ForwardOutcome> forward(Forwarding f, ResponseSink& client, UpstreamPool& pool);

} // namespace sekisho::gateway
