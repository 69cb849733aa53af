// The gateway's login pages, in Japanese and English, plain HTML forms that work without
// JavaScript: login, the login notice (previous login and failures since), the password
// change, and the signed-out page. Every value is escaped; nothing is echoed unescaped.
#pragma once

#include "gateway/auth/auth_service.hpp"
#include "session/session.hpp"

#include <string>
#include <string_view>

namespace sekisho::gateway::auth {

std::string login_form_html(std::string_view next, std::string_view csrf, std::string_view error);
// With a sign-out button carrying the session's CSRF token.
std::string login_notice_html(const session::Session& s, std::string_view next, std::string_view csrf);
std::string password_form_html(std::string_view next, std::string_view csrf, std::string_view error, bool required);
std::string signed_out_html();
std::string refused_html(std::string_view message); // a page for 403s of the session gate

// What the user reads for a refused login (bad_credentials never says which part was wrong).
std::string refusal_message(LoginRefusal r);

// "2026-11-22 09:05 JST"
std::string format_jst(session::UnixSeconds t);

} // namespace sekisho::gateway::auth
