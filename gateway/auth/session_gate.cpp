#include "gateway/auth/session_gate.hpp"

#include "gateway/auth/cookies.hpp"
#include "gateway/auth/login_pages.hpp"
#include "gateway/auth/login_policy.hpp"
#include "gateway/auth/responses.hpp"
#include "gateway/http/html.hpp"
#include "gateway/events/log.hpp"

namespace sekisho::gateway::auth {
namespace {

// The request target if it can come back after login; "/" otherwise (e.g. a POST).
std::string return_target(const Request& req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) return "/";
    return safe_next(std::string_view(req.target().data(), req.target().size())).value_or("/");
}

GateOutcome not_logged_in(const GateRequest& r, bool clear_cookie) {
    GateOutcome out;
    out.rejection = RequestRejection::login_required;
    const unsigned version = r.req.version();
    if (wants_json(r.req, &r.route))
        out.response = json_error(http::status::unauthorized, "login_required", r.keep_alive, version);
    else
        out.response = redirect(http::status::found, login_location(return_target(r.req)), r.keep_alive, version);
    if (clear_cookie) out.response->set(http::field::set_cookie, clear_session_cookie());
    return out;
}

GateOutcome refused(const GateRequest& r, RequestRejection why, std::string_view error, std::string_view message) {
    GateOutcome out;
    out.rejection = why;
    const unsigned version = r.req.version();
    out.response = wants_json(r.req, &r.route)
                       ? json_error(http::status::forbidden, error, r.keep_alive, version)
                       : html_page(http::status::forbidden, refused_html(message), r.keep_alive, version);
    return out;
}

} // namespace

GateOutcome store_unavailable(const Request& req, const config::Route* route, bool keep_alive) {
    GateOutcome out;
    out.rejection = RequestRejection::store_unavailable;
    const unsigned version = req.version();
    // Not "logged out": the session may well be alive. No redirect to the login page (which
    // could not log anyone in now either) and the cookie stays, so service resumes as it was.
    out.response = wants_json(req, route)
                       ? json_error(http::status::service_unavailable, "session_store_unavailable", keep_alive, version)
                       : html_page(http::status::service_unavailable,
                                   refused_html("ログイン状態を確認できません。しばらくしてから再度お試しください。 / "
                                                "Your login cannot be checked right now. Please try again shortly."),
                                   keep_alive, version);
    out.response->set(http::field::retry_after, "5");
    out.response->set(http::field::cache_control, "no-store");
    return out;
}

Task<GateOutcome> check_session(AuthService& auth, GateRequest r) {
    const auto id = session_cookie(r.req);
    if (!id) co_return not_logged_in(r, false);
    auto find = auth.find_bound(*id, r.terminal, std::string(r.peer), "route " + r.route.name, r.cfg.auth);
    auto bound = co_await std::move(find);
    if (bound.unavailable) co_return store_unavailable(r.req, &r.route, r.keep_alive);
    if (bound.crossover) {
        auto out = refused(r, RequestRejection::session_crossover, "session_not_valid_here",
                           "このセッションはこの端末では使用できません。 / This session is not valid on this terminal.");
        out.response->set(http::field::set_cookie, clear_session_cookie());
        co_return out;
    }
    if (!bound.session) co_return not_logged_in(r, true);
    auto& s = *bound.session;
    // Login windows hold on every request, not only at login: a role whose window closed is
    // not granted (routes, X-Sekisho-Roles, the assertion); with none left the request is
    // answered as for a fresh login, which the closed window refuses.
    if (!r.cfg.auth.login_windows.empty() && !s.roles.empty()) {
        s.roles = open_roles(s.roles, r.cfg.auth.login_windows, std::chrono::system_clock::now());
        if (s.roles.empty()) co_return not_logged_in(r, true);
    }

    if (!facility_allows(s.user_facility, r.terminal.facility, s.roles, r.route)) {
        log_event(spdlog::level::warn, "access.denied",
                  {{"reason", "facility"}, {"user", s.user}, {"user_facility", s.user_facility},
                   {"terminal_facility", r.terminal.facility}, {"route", r.route.name}, {"peer", r.peer}});
        co_return refused(r, RequestRejection::forbidden, "facility_not_allowed",
                          "この端末の施設ではこのサービスを利用できません。 / This service is not available to you "
                          "on a terminal of this facility.");
    }
    if (!roles_allow(s.roles, r.route)) {
        log_event(spdlog::level::warn, "access.denied",
                  {{"reason", "role"}, {"user", s.user}, {"route", r.route.name}, {"peer", r.peer}});
        co_return refused(r, RequestRejection::forbidden, "role_not_allowed",
                          "このサービスを利用する権限がありません。 / You do not have a role this service admits.");
    }
    if (s.must_change) {
        GateOutcome out;
        out.rejection = RequestRejection::forbidden;
        const unsigned version = r.req.version();
        out.response = wants_json(r.req, &r.route)
                           ? json_error(http::status::forbidden, "password_change_required", r.keep_alive, version)
                           : redirect(http::status::found, "/_sekisho/password?next=" + url_encode(return_target(r.req)),
                                      r.keep_alive, version);
        co_return out;
    }
    if (s.break_glass)
        log_event(spdlog::level::critical, "break_glass.access",
                  {{"user", s.user}, {"route", r.route.name}, {"target", std::string_view(r.req.target())},
                   {"device", r.terminal.device}, {"peer", r.peer}, {"facility", r.terminal.facility},
                   {"user_facility", s.user_facility}});
    GateOutcome out;
    out.session = std::move(s);
    co_return out;
}

} // namespace sekisho::gateway::auth
