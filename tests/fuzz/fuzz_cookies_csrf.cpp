// Target: the session cookie and the CSRF tokens (gateway/auth/cookies.*, auth/csrf.*).
// Input: lines; "S:<value>" is a Set-Cookie field of an upstream response, "X:<value>" another
// field in both, any other line a Cookie field of a request. The whole input is also tried as a CSRF token and as the
// device or session the token is bound to.
//
// Invariants: a session id read from the cookies is one well-formed id (43 base64url
// characters, so never a ';' or a space) that was sent exactly once; after
// strip_session_cookie no Cookie field carries our cookie and every other cookie is kept;
// after strip_session_set_cookie no Set-Cookie sets ours and every other one is kept; an
// arbitrary string is never a valid token; a token made for a device or session checks for
// that one only, and a login token only within its hour.
#include "fuzz_support.hpp"

#include "gateway/auth/cookies.hpp"
#include "gateway/auth/csrf.hpp"

#include <chrono>
#include <string>
#include <vector>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Cookie pairs as an independent reading: names (trimmed, up to '=') of the non-empty pairs.
std::vector<std::string> cookie_names(const http::fields& fields, http::field which) {
    std::vector<std::string> names;
    for (const auto& f : fields) {
        if (f.name() != which) continue;
        std::string_view value = f.value();
        for (;;) {
            const auto end = value.find(';');
            const auto pair = trim(value.substr(0, end));
            if (!pair.empty()) names.emplace_back(trim(pair.substr(0, pair.find('='))));
            if (end == std::string_view::npos) break;
            value.remove_prefix(end + 1);
        }
    }
    return names;
}

std::vector<std::string> set_cookie_names(const http::fields& fields) {
    std::vector<std::string> names;
    for (const auto& f : fields)
        if (f.name() == http::field::set_cookie)
            names.emplace_back(trim(std::string_view(f.value()).substr(0, f.value().find('='))));
    return names;
}

std::size_t count_of(const std::vector<std::string>& names, std::string_view name, bool equal) {
    std::size_t n = 0;
    for (const auto& x : names) n += (x == name) == equal;
    return n;
}

void check_cookies(std::string_view input) {
    http::fields request, response;
    while (!input.empty()) {
        const auto end = input.find('\n');
        std::string line(input.substr(0, end));
        std::erase_if(line, [](char c) { return c == '\r' || c == '\0'; }); // the parser's job
        if (line.starts_with("S:")) {
            response.insert(http::field::set_cookie, line.substr(2));
        } else if (line.starts_with("X:")) { // another field between two cookie fields
            request.insert("X-Other", line.substr(2));
            response.insert("X-Other", line.substr(2));
        } else {
            request.insert(http::field::cookie, line);
        }
        if (end == std::string_view::npos) break;
        input.remove_prefix(end + 1);
    }

    const auto names = cookie_names(request, http::field::cookie);
    const auto ours = count_of(names, auth::kSessionCookie, true);
    if (const auto id = auth::session_cookie(request)) {
        FUZZ_CHECK(ours == 1);
        FUZZ_CHECK(id->size() == 43);
        for (char c : *id) FUZZ_CHECK(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    }
    auth::strip_session_cookie(request);
    const auto kept = cookie_names(request, http::field::cookie);
    FUZZ_CHECK(count_of(kept, auth::kSessionCookie, true) == 0);
    FUZZ_CHECK(count_of(kept, auth::kSessionCookie, false) == count_of(names, auth::kSessionCookie, false));
    FUZZ_CHECK(!auth::session_cookie(request));

    const auto set_names = set_cookie_names(response);
    auth::strip_session_set_cookie(response);
    const auto set_kept = set_cookie_names(response);
    FUZZ_CHECK(count_of(set_kept, auth::kSessionCookie, true) == 0);
    FUZZ_CHECK(count_of(set_kept, auth::kSessionCookie, false) ==
               count_of(set_names, auth::kSessionCookie, false));
}

void check_csrf(std::string_view input) {
    static const auth::CsrfKeys keys;
    using namespace std::chrono;
    const system_clock::time_point now{seconds(1796000000)}; // 2026-11
    FUZZ_CHECK(!keys.check_login_token(input, "terminal-1", now));
    FUZZ_CHECK(!keys.check_session_token(input, "session-hash"));

    const auto login = keys.login_token(input, now);
    FUZZ_CHECK(keys.check_login_token(login, input, now));
    FUZZ_CHECK(keys.check_login_token(login, input, now + minutes(59)));
    FUZZ_CHECK(!keys.check_login_token(login, input, now + minutes(61)));
    FUZZ_CHECK(!keys.check_login_token(login, input, now - seconds(1)));
    FUZZ_CHECK(!keys.check_login_token(login, std::string(input) + "x", now));
    FUZZ_CHECK(!keys.check_login_token(login + "0", input, now));

    const auto session = keys.session_token(input);
    FUZZ_CHECK(keys.check_session_token(session, input));
    FUZZ_CHECK(!keys.check_session_token(session, std::string(input) + "x"));
    FUZZ_CHECK(!keys.check_session_token(session.substr(1), input));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_view(data, size);
    check_cookies(input);
    check_csrf(input);
    return 0;
}
