// The pure parts of the login flow: where a login may redirect, cookies, CSRF tokens,
// facilities, roles and login windows.
#include "gateway/auth/cookies.hpp"
#include "gateway/auth/csrf.hpp"
#include "gateway/auth/login_pages.hpp"
#include "gateway/auth/login_policy.hpp"
#include "session/session_id.hpp"

#include <catch2/catch.hpp>

using namespace sekisho;
using namespace sekisho::gateway;
using namespace sekisho::gateway::auth;

TEST_CASE("next accepts only paths on this site", "[auth]") {
    CHECK(safe_next("") == "/");
    CHECK(safe_next("/ward/list?bed=3") == "/ward/list?bed=3");
    for (const char* bad : {"https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil", "evil.example",
                            "javascript:alert(1)", "/a\r\nSet-Cookie: x", "/a b", "/_sekisho/logout",
                            "/%5Fsekisho/login", "/x/../_sekisho/login"})
        CHECK_FALSE(safe_next(bad));
}

TEST_CASE("the session cookie is read once, from Cookie only, and stripped before the backend", "[auth]") {
    const auto id = session::new_session_id();
    Request req;
    req.insert(http::field::cookie, "app=1; __Host-sekisho=" + id + "; other=2");
    CHECK(session_cookie(req) == id);
    strip_session_cookie(req);
    CHECK(std::string(req[http::field::cookie]) == "app=1; other=2");

    Request twice;
    twice.insert(http::field::cookie, "__Host-sekisho=" + id);
    twice.insert(http::field::cookie, "__Host-sekisho=" + session::new_session_id());
    CHECK_FALSE(session_cookie(twice)); // a planted second cookie: trust neither

    Request malformed;
    malformed.insert(http::field::cookie, "__Host-sekisho=short");
    CHECK_FALSE(session_cookie(malformed));

    Request only_ours;
    only_ours.insert(http::field::cookie, "__Host-sekisho=" + id);
    strip_session_cookie(only_ours);
    CHECK(only_ours.find(http::field::cookie) == only_ours.end());

    CHECK(set_session_cookie(id) == "__Host-sekisho=" + id + "; Secure; HttpOnly; SameSite=Strict; Path=/");
}

TEST_CASE("CSRF tokens are bound to the terminal or the session and expire", "[auth]") {
    CsrfKeys keys;
    const auto now = std::chrono::system_clock::now();
    const auto token = keys.login_token("device-a", now);
    CHECK(keys.check_login_token(token, "device-a", now + std::chrono::minutes(59)));
    CHECK_FALSE(keys.check_login_token(token, "device-b", now));
    CHECK_FALSE(keys.check_login_token(token, "device-a", now + std::chrono::minutes(61)));
    CHECK_FALSE(keys.check_login_token("", "device-a", now));
    CHECK_FALSE(CsrfKeys().check_login_token(token, "device-a", now)); // another process's key
    // Forged issue times at the ends of int64 are refused without overflowing (found by fuzzing).
    CHECK_FALSE(keys.check_login_token("-9223372036854775808.00", "device-a", now));
    CHECK_FALSE(keys.check_login_token("9223372036854775807.00", "device-a", now));
    auto forged = token;
    forged.back() = forged.back() == '0' ? '1' : '0';
    CHECK_FALSE(keys.check_login_token(forged, "device-a", now));

    CHECK(keys.check_session_token(keys.session_token("hash-1"), "hash-1"));
    CHECK_FALSE(keys.check_session_token(keys.session_token("hash-1"), "hash-2"));
}

TEST_CASE("facilities and roles decide which routes a session may use", "[auth]") {
    config::Route route;
    route.roles = {"doctor"};
    route.cross_facility_roles = {"regional-admin"};
    CHECK(roles_allow({"doctor", "nurse"}, route));
    CHECK_FALSE(roles_allow({"nurse"}, route));
    CHECK(roles_allow({}, config::Route{}));
    CHECK(facility_allows("clinic-a", "clinic-a", {"nurse"}, route));
    CHECK_FALSE(facility_allows("clinic-a", "clinic-b", {"nurse"}, route));
    CHECK(facility_allows("clinic-a", "clinic-b", {"regional-admin"}, route));
}

TEST_CASE("login windows are read in Japan time", "[auth]") {
    using namespace std::chrono;
    // Monday 2026-11-23 00:30 UTC = 09:30 JST Monday; 2026-11-22 23:00 UTC = 08:00 JST Monday.
    const auto monday_0930_jst = sys_days{year{2026} / November / 23} + minutes(30);
    const auto sunday_1500_utc = sys_days{year{2026} / November / 22} + hours(15); // Mon 00:00 JST
    std::vector<config::LoginWindow> windows{{"clerk", 0x1f, 9 * 60, 18 * 60}};
    CHECK(login_window_open({"clerk"}, windows, monday_0930_jst));
    CHECK_FALSE(login_window_open({"clerk"}, windows, sunday_1500_utc));
    CHECK(login_window_open({"clerk", "nurse"}, windows, sunday_1500_utc)); // nurse is not restricted
    CHECK(login_window_open({"clerk"}, {}, sunday_1500_utc));
    const auto saturday_1000_jst = sys_days{year{2026} / November / 28} + hours(1);
    CHECK_FALSE(login_window_open({"clerk"}, windows, saturday_1000_jst));
    CHECK(format_jst(duration_cast<seconds>(monday_0930_jst.time_since_epoch()).count()) == "2026-11-23 09:30 JST");
}

TEST_CASE("a session carries only the roles whose login window is open", "[auth]") {
    using namespace std::chrono;
    const auto monday_2200_jst = sys_days{year{2026} / November / 23} + hours(13);
    std::vector<config::LoginWindow> windows{{"nurse", 0x7f, 7 * 60, 21 * 60}};
    CHECK(open_roles({"nurse", "records"}, windows, monday_2200_jst) == std::vector<std::string>{"records"});
    CHECK(open_roles({"nurse"}, windows, monday_2200_jst).empty());
    CHECK(join_roles({"a", "b"}) == "a,b");
}

TEST_CASE("a backend can neither set nor clear the gateway's session cookie", "[auth]") {
    Response res;
    res.insert(http::field::set_cookie, "app=1; Path=/");
    res.insert(http::field::set_cookie, "__Host-sekisho=planted; Secure; Path=/");
    res.insert(http::field::set_cookie, "__Host-sekisho-app=kept; Secure; Path=/");
    strip_session_set_cookie(res);
    std::vector<std::string> values;
    for (auto it = res.find(http::field::set_cookie); it != res.end() && it->name() == http::field::set_cookie; ++it)
        values.emplace_back(it->value());
    CHECK(values == std::vector<std::string>{"app=1; Path=/", "__Host-sekisho-app=kept; Secure; Path=/"});

    Request req;
    req.insert(http::field::cookie, "__Host-sekisho-app=kept; __Host-sekisho=" + session::new_session_id());
    strip_session_cookie(req);
    CHECK(std::string(req[http::field::cookie]) == "__Host-sekisho-app=kept");
}
