#include "gateway/auth/auth_endpoints.hpp"

#include "gateway/auth/session_gate.hpp"

#include "gateway/auth/cookies.hpp"
#include "gateway/auth/login_pages.hpp"
#include "gateway/auth/login_policy.hpp"
#include "gateway/auth/responses.hpp"
#include "gateway/http/html.hpp"
#include "gateway/events/log.hpp"
#include "gateway/http/request_checks.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

namespace sekisho::gateway::auth {
namespace {

constexpr std::size_t kMaxFormBytes = 16 * 1024;

bool has_content_type(const Request& req, std::string_view type) {
    auto value = std::string_view(req[http::field::content_type]);
    value = value.substr(0, value.find(';'));
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return beast::iequals(value, type);
}

std::string_view query_of(const Request& req) {
    const std::string_view target(req.target().data(), req.target().size());
    const auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

http::status status_for(LoginRefusal r) {
    switch (r) {
    case LoginRefusal::bad_credentials: return http::status::unauthorized;
    case LoginRefusal::too_many_attempts: return http::status::too_many_requests;
    case LoginRefusal::unavailable: return http::status::service_unavailable;
    default: return http::status::forbidden;
    }
}

std::string_view json_error_for(LoginRefusal r) {
    switch (r) {
    case LoginRefusal::bad_credentials: return "authentication_failed";
    case LoginRefusal::too_many_attempts: return "too_many_attempts";
    case LoginRefusal::session_limit: return "session_limit";
    case LoginRefusal::facility: return "facility_not_allowed";
    case LoginRefusal::outside_hours: return "outside_login_hours";
    case LoginRefusal::break_glass_off: return "break_glass_not_enabled";
    case LoginRefusal::unavailable: return "unavailable";
    case LoginRefusal::count_: break;
    }
    return "authentication_failed";
}

class Handler {
public:
    Handler(AuthService& auth, AuthRequest& r) : auth_(auth), r_(r), version_(r.req.version()) {}
    Task<Response> dispatch();

private:
    Task<Response> login_page();
    Task<Response> login_form_post();
    Task<Response> login_api();
    Task<Response> welcome();
    Task<Response> password();
    Task<Response> logout();
    Task<Response> password_api();
    Task<Response> session_info();

    // The session of the cookie if it is live and bound to this terminal; a cookie from
    // another terminal is a cross-over and ends the session.
    Task<std::optional<session::Session>> current_session();
    // Holds a failed login's answer until failure_delay after it started, without a thread.
    Task<void> tarpit(std::chrono::steady_clock::time_point started);
    Task<LoginResult> attempt(std::string username, std::string password);

    Response page(http::status s, std::string body) { return html_page(s, std::move(body), r_.keep_alive, version_); }
    Response json(http::status s, const boost::json::value& v) { return json_reply(s, v, r_.keep_alive, version_); }
    Response error(http::status s, std::string_view e) { return json_error(s, e, r_.keep_alive, version_); }
    Response see_other(std::string_view location) {
        return redirect(http::status::see_other, location, r_.keep_alive, version_);
    }
    Response plain_error(http::status s, std::string_view detail);
    // 429s say when to come back: the spraying block.
    Response with_retry_after(Response res, LoginRefusal r) {
        if (r == LoginRefusal::too_many_attempts)
            res.set(http::field::retry_after, std::to_string(r_.cfg->auth.spraying.block.count()));
        return res;
    }
    Response not_logged_in();

    AuthService& auth_;
    AuthRequest& r_;
    unsigned version_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

Response Handler::plain_error(http::status s, std::string_view detail) {
    return wants_json(r_.req, nullptr) ? error(s, detail) : page(s, refused_html(detail));
}

Response Handler::not_logged_in() {
    if (wants_json(r_.req, nullptr)) return error(http::status::unauthorized, "login_required");
    return redirect(http::status::see_other, "/_sekisho/login", r_.keep_alive, version_);
}

Task<std::optional<session::Session>> Handler::current_session() {
    const auto id = session_cookie(r_.req);
    if (!id) co_return std::nullopt;
    auto find = auth_.find_bound(*id, r_.terminal, std::string(r_.peer_ip), std::string(target_path(r_.req.target())),
                                 r_.cfg->auth);
    auto bound = co_await std::move(find);
    if (bound.unavailable) throw session::StoreUnavailable("the session store cannot be reached");
    co_return std::move(bound.session);
}

Task<void> Handler::tarpit(std::chrono::steady_clock::time_point started) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_at(started + r_.cfg->auth.failure_delay);
    boost::system::error_code ec;
    co_await timer.async_wait(awaitable_ec(ec));
}

Task<LoginResult> Handler::attempt(std::string username, std::string password) {
    // A login on a terminal that still holds a session replaces it: a new id every time,
    // and the previous user of a shared ward PC does not linger.
    auto current = current_session();
    auto previous = co_await std::move(current);
    if (previous) {
        auto ending = auth_.end(*previous, "replaced");
        co_await std::move(ending);
    }
    auto login = auth_.login(std::move(username), std::move(password), r_.terminal, std::string(r_.peer_ip), r_.cfg);
    auto result = co_await std::move(login);
    r_.metrics.login(result.refusal);
    if (result.refusal) {
        auto wait = tarpit(started_);
        co_await std::move(wait);
    }
    co_return result;
}

Task<Response> Handler::login_page() {
    const auto next = safe_next(query_parameter(query_of(r_.req), "next"));
    if (!next) co_return page(http::status::bad_request, refused_html("next はこのサイト内のパスにしてください。 / next must be a path on this site."));
    co_return page(http::status::ok,
                   login_form_html(*next, auth_.csrf().login_token(r_.terminal.device, std::chrono::system_clock::now()), ""));
}

Task<Response> Handler::login_form_post() {
    if (!has_content_type(r_.req, "application/x-www-form-urlencoded") || r_.req.body().size() > kMaxFormBytes)
        co_return page(http::status::bad_request, refused_html("不正なフォームです。 / Malformed form."));
    const auto& body = r_.req.body();
    const auto now = std::chrono::system_clock::now();
    if (!auth_.csrf().check_login_token(query_parameter(body, "csrf"), r_.terminal.device, now)) {
        log_event(spdlog::level::warn, "login.csrf_refused", {{"device", r_.terminal.device}, {"peer", r_.peer_ip}});
        co_return page(http::status::forbidden,
                       login_form_html("/", auth_.csrf().login_token(r_.terminal.device, now),
                                       "フォームの有効期限が切れました。もう一度入力してください。 / The form expired; please sign in again."));
    }
    const auto next = safe_next(query_parameter(body, "next"));
    if (!next) {
        log_event(spdlog::level::warn, "login.redirect_refused", {{"device", r_.terminal.device}, {"peer", r_.peer_ip}});
        co_return page(http::status::bad_request, refused_html("next はこのサイト内のパスにしてください。 / next must be a path on this site."));
    }
    auto login = attempt(query_parameter(body, "username"), query_parameter(body, "password"));
    auto result = co_await std::move(login);
    if (result.refusal) {
        auto res = page(status_for(*result.refusal), login_form_html(*next, auth_.csrf().login_token(r_.terminal.device, now),
                                                                     refusal_message(*result.refusal)));
        co_return with_retry_after(std::move(res), *result.refusal);
    }
    std::string location = *next;
    if (result.session.must_change)
        location = "/_sekisho/password?next=" + url_encode(*next);
    else if (r_.cfg->auth.login_notice)
        location = "/_sekisho/welcome?next=" + url_encode(*next);
    auto res = see_other(location);
    res.set(http::field::set_cookie, set_session_cookie(result.session_id));
    co_return res;
}

boost::json::object session_json(const session::Session& s) {
    boost::json::object o;
    o["user"] = s.user;
    o["display_name"] = s.display_name;
    o["facility"] = s.user_facility;
    boost::json::array roles;
    for (const auto& role : s.roles) roles.emplace_back(role);
    o["roles"] = std::move(roles);
    o["must_change_password"] = s.must_change;
    if (s.previous_login_at) {
        boost::json::object prev;
        prev["at"] = *s.previous_login_at;
        prev["at_jst"] = format_jst(*s.previous_login_at);
        prev["from"] = s.previous_login_from;
        o["previous_login"] = std::move(prev);
    } else {
        o["previous_login"] = nullptr;
    }
    o["failures_since_previous_login"] = s.failures_since;
    return o;
}

Task<Response> Handler::login_api() {
    if (!has_content_type(r_.req, "application/json"))
        co_return error(http::status::unsupported_media_type, "content_type_must_be_application_json");
    boost::system::error_code ec;
    const auto parsed = r_.req.body().size() > kMaxFormBytes ? boost::json::value{} : boost::json::parse(r_.req.body(), ec);
    const auto* obj = parsed.if_object();
    const auto* user = obj ? obj->if_contains("username") : nullptr;
    const auto* pass = obj ? obj->if_contains("password") : nullptr;
    if (ec || !user || !pass || !user->is_string() || !pass->is_string())
        co_return error(http::status::bad_request, "expected_json_username_and_password");
    auto login = attempt(std::string(user->as_string()), std::string(pass->as_string()));
    auto result = co_await std::move(login);
    if (result.refusal) {
        auto res = error(status_for(*result.refusal), json_error_for(*result.refusal));
        co_return with_retry_after(std::move(res), *result.refusal);
    }
    auto res = json(http::status::ok, session_json(result.session));
    res.set(http::field::set_cookie, set_session_cookie(result.session_id));
    co_return res;
}

Task<Response> Handler::welcome() {
    auto current = current_session();
    auto s = co_await std::move(current);
    if (!s) co_return not_logged_in();
    const auto next = safe_next(query_parameter(query_of(r_.req), "next")).value_or("/");
    co_return page(http::status::ok, login_notice_html(*s, next, auth_.csrf().session_token(s->id_hash)));
}

Task<Response> Handler::password() {
    auto current = current_session();
    auto s = co_await std::move(current);
    if (!s) co_return not_logged_in();
    const auto token = auth_.csrf().session_token(s->id_hash);
    if (r_.req.method() == http::verb::get) {
        const auto next = safe_next(query_parameter(query_of(r_.req), "next")).value_or("/");
        co_return page(http::status::ok, password_form_html(next, token, "", s->must_change));
    }
    const auto& body = r_.req.body();
    const auto next = safe_next(query_parameter(body, "next")).value_or("/");
    if (!has_content_type(r_.req, "application/x-www-form-urlencoded") || body.size() > kMaxFormBytes ||
        !auth_.csrf().check_session_token(query_parameter(body, "csrf"), s->id_hash)) {
        log_event(spdlog::level::warn, "password.csrf_refused", {{"user", s->user}, {"peer", r_.peer_ip}});
        co_return page(http::status::forbidden, password_form_html(next, token, "もう一度入力してください。 / Please try again.", s->must_change));
    }
    const auto fresh = query_parameter(body, "new");
    if (fresh != query_parameter(body, "confirm"))
        co_return page(http::status::bad_request,
                       password_form_html(next, token, "新しいパスワードが一致しません。 / The new passwords differ.", s->must_change));
    auto change = auth_.change_password(*s, query_parameter(body, "current"), fresh, r_.terminal,
                                        std::string(r_.peer_ip), r_.cfg);
    auto result = co_await std::move(change);
    if (result.problem) {
        auto wait = tarpit(started_);
        co_await std::move(wait);
        co_return page(http::status::bad_request, password_form_html(next, token, *result.problem, s->must_change));
    }
    co_return see_other(next);
}

Task<Response> Handler::password_api() {
    auto current = current_session();
    auto s = co_await std::move(current);
    if (!s) co_return error(http::status::unauthorized, "login_required");
    if (!has_content_type(r_.req, "application/json"))
        co_return error(http::status::unsupported_media_type, "content_type_must_be_application_json");
    boost::system::error_code ec;
    const auto parsed = r_.req.body().size() > kMaxFormBytes ? boost::json::value{} : boost::json::parse(r_.req.body(), ec);
    const auto* obj = parsed.if_object();
    const auto* current_pw = obj ? obj->if_contains("current") : nullptr;
    const auto* new_pw = obj ? obj->if_contains("new") : nullptr;
    if (ec || !current_pw || !new_pw || !current_pw->is_string() || !new_pw->is_string())
        co_return error(http::status::bad_request, "expected_json_current_and_new");
    auto change = auth_.change_password(*s, std::string(current_pw->as_string()), std::string(new_pw->as_string()),
                                        r_.terminal, std::string(r_.peer_ip), r_.cfg);
    auto result = co_await std::move(change);
    if (result.problem) {
        auto wait = tarpit(started_);
        co_await std::move(wait);
        boost::json::object body;
        body["error"] = "password_refused";
        body["reason"] = *result.problem;
        co_return json(http::status::bad_request, body);
    }
    boost::json::object body;
    body["status"] = "password_changed";
    co_return json(http::status::ok, body);
}

Task<Response> Handler::logout() {
    auto current = current_session();
    auto s = co_await std::move(current);
    // SameSite=Strict keeps other sites' forms from carrying the cookie; the token (or a JSON
    // request, which a cross-origin form cannot send) keeps same-site pages from it too.
    const bool json_request = has_content_type(r_.req, "application/json");
    if (s && !json_request) {
        const auto field = query_parameter(r_.req.body(), "csrf");
        const auto header = std::string(r_.req["X-Sekisho-Csrf"]);
        if (!auth_.csrf().check_session_token(field.empty() ? header : field, s->id_hash)) {
            log_event(spdlog::level::warn, "logout.csrf_refused", {{"user", s->user}, {"peer", r_.peer_ip}});
            co_return plain_error(http::status::forbidden, "missing or invalid CSRF token");
        }
    }
    if (s) {
        auto ending = auth_.end(*s, "logout");
        co_await std::move(ending);
    }
    boost::json::object body;
    body["status"] = "signed_out";
    auto res = wants_json(r_.req, nullptr) || json_request
                   ? json(http::status::ok, body)
                   : page(http::status::ok, signed_out_html());
    res.set(http::field::set_cookie, clear_session_cookie());
    co_return res;
}

Task<Response> Handler::session_info() {
    auto current = current_session();
    auto s = co_await std::move(current);
    if (!s) co_return error(http::status::unauthorized, "login_required");
    co_return json(http::status::ok, session_json(*s));
}

Task<Response> Handler::dispatch() {
    const auto path = target_path(r_.req.target());
    const auto method = r_.req.method();
    const bool get = method == http::verb::get || method == http::verb::head;
    const bool post = method == http::verb::post;
    // One branch per page: besides the awaitable itself, no temporary with a destructor
    // shares a full-expression with co_await (GCC 12 may destroy such temporaries twice).
    if (path == "/_sekisho/login" && get) co_return co_await login_page();
    if (path == "/_sekisho/login" && post) co_return co_await login_form_post();
    if (path == "/_sekisho/api/login" && post) co_return co_await login_api();
    if (path == "/_sekisho/logout" && post) co_return co_await logout();
    if (path == "/_sekisho/welcome" && get) co_return co_await welcome();
    if (path == "/_sekisho/password" && (get || post)) co_return co_await password();
    if (path == "/_sekisho/api/session" && get) co_return co_await session_info();
    if (path == "/_sekisho/api/password" && post) co_return co_await password_api();
    if (!is_auth_path(path)) co_return plain_error(http::status::not_found, "no such gateway page");
    auto res = plain_error(http::status::method_not_allowed, "method not allowed");
    const bool form_page = path == "/_sekisho/login" || path == "/_sekisho/password";
    const bool post_only =
        path == "/_sekisho/api/login" || path == "/_sekisho/logout" || path == "/_sekisho/api/password";
    res.set(http::field::allow, form_page ? "GET, HEAD, POST" : post_only ? "POST" : "GET, HEAD");
    co_return res;
}

} // namespace

bool is_auth_path(std::string_view path) {
    for (std::string_view p : {"/_sekisho/login", "/_sekisho/api/login", "/_sekisho/logout", "/_sekisho/welcome",
                               "/_sekisho/password", "/_sekisho/api/session", "/_sekisho/api/password"})
        if (path == p) return true;
    return false;
}

Task<Response> answer_auth(AuthService& auth, AuthRequest r) {
    Handler handler(auth, r);
    std::optional<Response> answer;
    try {
        auto dispatch = handler.dispatch();
        answer = co_await std::move(dispatch);
    } catch (const session::StoreUnavailable&) {
        // A logout, password change or session read the store could not do: nothing was
        // changed, and the page says so rather than "logged out" (AuthService logged it).
    }
    if (!answer) co_return *store_unavailable(r.req, nullptr, r.keep_alive).response;
    co_return std::move(*answer);
}

} // namespace sekisho::gateway::auth
