// One request on its way through the stages (stages.hpp), and a stage's verdict on it.
// Protocol-neutral: a front-end (HTTP/1 today) fills in what it read; the stages fill in
// what they decided.
#pragma once

#include "gateway/auth/caller.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/http/request_checks.hpp"
#include "gateway/upstream/proxy.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace sekisho::config {
struct Route;
}

namespace sekisho::gateway {

struct Exchange {
    // Set by the front-end.
    Request* request = nullptr; // the header once framed; the body too after receive_body
    unsigned version = 11;      // to answer in (before the request line is known: 1.1)
    std::string id;             // "<connection>-<n>": X-Request-Id and every event of it
    bool body_pending = false;  // the body is still on the wire
    // What the client asked for (Connection, HTTP version), read before forward rewrites the
    // request for the upstream (which strips the hop-by-hop fields it is decided from).
    bool client_keep_alive = false;
    // The connection may carry another request after this one (the front-end's limits:
    // draining, reload, request count, lifetime) — decided once per request.
    bool connection_continues = false;

    // Set by the stages, in their order.
    std::string host;                      // check_request: Host, lower-case, no port
    std::string path;                      // check_request: the target without its query
    bool reserved = false;                 // route: /_sekisho/..., answered by the gateway
    const config::Route* route = nullptr;  // route: nullptr for a reserved path
    bool websocket = false;                // route: an upgrade the route allows
    std::optional<UserIdentity> user;      // admit: the session's user, on login routes
    ForwardOutcome forwarded;              // forward: what became of the response
    std::chrono::steady_clock::time_point started{}; // when the request was complete

    // Whether the client may send another request on this connection after this one.
    bool keep_alive() const { return connection_continues && client_keep_alive && !body_pending; }
};

class Verdict {
public:
    enum class Kind {
        proceed,   // on to the next stage
        refuse,    // an error page with the rejection's status; the connection closes
        turn_away, // the session gate's own page (login redirect, 401 JSON, 403)
        answer,    // a page of the gateway's (reserved paths, login pages)
        forwarded, // the upstream's answer was relayed or failed: Exchange::forwarded
        closed,    // the client went away: nothing to send
    };

    static Verdict proceed() { return Verdict(Kind::proceed); }
    static Verdict refuse(Rejection r) { return Verdict(Kind::refuse, std::move(r)); }
    static Verdict refuse(http::status status, RequestRejection reason, std::string detail) {
        return refuse(Rejection{status, reason, std::move(detail)});
    }
    static Verdict turn_away(RequestRejection reason, Response page) {
        return Verdict(Kind::turn_away, Rejection{page.result(), reason, {}}, std::move(page));
    }
    static Verdict answer(Response page) { return Verdict(Kind::answer, {}, std::move(page)); }
    static Verdict forwarded() { return Verdict(Kind::forwarded); }
    static Verdict closed() { return Verdict(Kind::closed); }

    Kind kind() const { return kind_; }
    bool proceeds() const { return kind_ == Kind::proceed; }
    const Rejection& rejection() const { return rejection_; }
    std::optional<Response>& page() { return page_; }

private:
    explicit Verdict(Kind kind, Rejection rejection = {}, std::optional<Response> page = std::nullopt)
        : kind_(kind), rejection_(std::move(rejection)), page_(std::move(page)) {}

    Kind kind_;
    Rejection rejection_;
    std::optional<Response> page_;
};

} // namespace sekisho::gateway
