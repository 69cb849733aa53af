// The named stages of a request, in a fixed order as nginx's phases are (not a filter
// chain that configuration rearranges):
//
//   [front-end: read and frame the header]
//   check_request  → method, target, Host against SNI, framing fields, canonical path
//   route          → reserved /_sekisho/ path, or the route of host + path; upgrades
//   admit          → the login session the route needs: bound to this terminal, roles,
//                    facility, login windows, device admitted now
//   [front-end: Expect / 100-continue, the body]
//   reserved_pages → the gateway's own pages (login, JWKS, health)
//   forward        → identity headers and signed assertion, upstream pool, relay
//   finish         → the one place a verdict becomes a response, a log line (and with it
//                    an audit record) and metrics
//
// Each stage takes the exchange and returns a Verdict; the first that does not proceed
// ends the request at finish. Nothing here knows HTTP/1 framing or the client's stream:
// the front-end (connection.cpp) reads and frames, and responses go through a ResponseSink.
#pragma once

#include "gateway/http/response_sink.hpp"
#include "gateway/pipeline/connection_context.hpp"
#include "gateway/pipeline/exchange.hpp"

namespace sekisho::gateway {

class RequestStages {
public:
    explicit RequestStages(ConnectionContext& connection) : c_(connection) {}

    Verdict check_request(Exchange& ex);
    Verdict route(Exchange& ex);
    Task<Verdict> admit(Exchange& ex);
    Task<Verdict> reserved_pages(Exchange& ex);
    Task<Verdict> forward(Exchange& ex, ResponseSink& client);
    // Whether the connection may carry another request.
    Task<bool> finish(Exchange& ex, Verdict verdict, ResponseSink& client);

private:
    const std::string& assertion_for(const config::Route& route, const UserIdentity* user);
    Task<bool> record_forwarded(Exchange& ex, ResponseSink& client);
    // A page of the gateway's: counted, without its body for HEAD, written.
    Task<void> write_page(const Exchange& ex, Response& page, ResponseSink& client);

    ConnectionContext& c_;
};

} // namespace sekisho::gateway
