#include "gateway/pipeline/stages.hpp"

#include "gateway/auth/auth_endpoints.hpp"
#include "gateway/auth/session_gate.hpp"
#include "gateway/http/path.hpp"
#include "gateway/pipeline/reserved_paths.hpp"
#include "gateway/runtime/runtime.hpp"
#include "gateway/upstream/identity.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

namespace sekisho::gateway {

Verdict RequestStages::check_request(Exchange& ex) {
    if (auto r = check_request_header(*ex.request, c_.sni, &ex.host)) return Verdict::refuse(std::move(*r));
    ex.path = std::string(target_path(ex.request->target()));
    return Verdict::proceed();
}

Verdict RequestStages::route(Exchange& ex) {
    ex.reserved = is_reserved_path(ex.path);
    if (!ex.reserved) {
        const auto& routes = *c_.rt->routes;
        if (!routes.knows_host(ex.host))
            return Verdict::refuse(http::status::misdirected_request, RequestRejection::misdirected,
                                   "no route serves host " + ex.host);
        ex.route = routes.match(ex.host, ex.path);
        if (!ex.route)
            return Verdict::refuse(http::status::not_found, RequestRejection::no_route,
                                   "no route for " + ex.host + ex.path);
        if (auto r = check_path_parameters(ex.path, ex.route->allow_path_parameters))
            return Verdict::refuse(std::move(*r));
    }
    ex.websocket = beast::websocket::is_upgrade(*ex.request);
    if (ex.websocket && (!ex.route || !ex.route->websocket))
        return Verdict::refuse(http::status::forbidden, RequestRejection::upgrade_refused,
                               "WebSocket upgrade on a route that does not allow it");
    return Verdict::proceed();
}

Task<Verdict> RequestStages::admit(Exchange& ex) {
    c_.entry.session.clear();
    if (!ex.route || !ex.route->login) co_return Verdict::proceed();
    if (!c_.worker.auth) // cannot happen: login routes need a registry; fail closed all the same
        co_return Verdict::refuse(http::status::forbidden, RequestRejection::login_required, "no login service");
    // Without a body left unread the connection can carry the browser's next request.
    auto check = auth::check_session(*c_.worker.auth, auth::GateRequest{*ex.request, c_.identity, *ex.route,
                                                                        c_.rt->config, c_.peer, ex.keep_alive()});
    auto outcome = co_await std::move(check);
    if (!outcome.session) co_return Verdict::turn_away(outcome.rejection, std::move(*outcome.response));
    const auto& s = *outcome.session;
    ex.user = UserIdentity{s.user, s.display_name, s.user_facility, s.roles, session_reference(s.id_hash)};
    c_.entry.session = s.id_hash; // so that ending the session closes this connection (or tunnel)
    co_return Verdict::proceed();
}

Task<Verdict> RequestStages::reserved_pages(Exchange& ex) {
    if (!ex.reserved) co_return Verdict::proceed();
    if (c_.worker.auth && auth::is_auth_path(ex.path)) {
        auto answer = auth::answer_auth(
            *c_.worker.auth, auth::AuthRequest{*ex.request, std::shared_ptr<const config::Config>(c_.rt, &c_.rt->config),
                                               c_.identity, c_.peer_ip, ex.keep_alive(), c_.worker.metrics});
        co_return Verdict::answer(co_await std::move(answer));
    }
    co_return Verdict::answer(answer_reserved(*ex.request, *c_.rt, ex.keep_alive()));
}

const std::string& RequestStages::assertion_for(const config::Route& route, const UserIdentity* user) {
    const auto now = std::chrono::steady_clock::now();
    const std::string_view session = user ? std::string_view(user->session_ref) : std::string_view();
    static const std::vector<std::string> no_roles;
    if (!AssertionCache::serves(c_.assertion.get(), *c_.rt, route, c_.identity, session, now,
                                user ? user->roles : no_roles))
        c_.assertion = c_.worker.assertions.get(c_.rt, route, c_.identity, user, now);
    return c_.assertion->token;
}

Task<Verdict> RequestStages::forward(Exchange& ex, ResponseSink& client) {
    const UserIdentity* user = ex.user ? &*ex.user : nullptr;
    const auto& assertion = assertion_for(*ex.route, user);
    rewrite_for_upstream(*ex.request, c_.identity, user, c_.peer_ip, assertion, ex.websocket, ex.id);
    c_.entry.tunnel = ex.websocket; // a reload closes a tunnel at once (it has no next request)
    auto relay = gateway::forward(Forwarding{*ex.request, *c_.rt, *ex.route, ex.keep_alive(), ex.websocket},
                                  client, c_.worker.pool);
    ex.forwarded = co_await std::move(relay);
    c_.entry.tunnel = false;
    co_return Verdict::forwarded();
}

} // namespace sekisho::gateway
