#include "gateway/auth/login_pages.hpp"

#include "codec/jst_time.hpp"
#include "gateway/http/html.hpp"

#include <algorithm>
#include <chrono>

namespace sekisho::gateway::auth {
namespace {

std::string page(std::string_view title, std::string_view body) {
    std::string html = R"(<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="referrer" content="no-referrer">
<title>)";
    html += title;
    html += R"( — Sekisho</title>
<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em;line-height:1.6}
.error{color:#a00;font-weight:bold}.warn{background:#fff3cd;padding:.5em}
label{display:block;margin-top:1em}input{font-size:1.1em;width:100%}button{margin-top:1em;font-size:1.1em}
</style></head><body>
)";
    html += body;
    html += "</body></html>\n";
    return html;
}

std::string hidden(std::string_view name, std::string_view value) {
    return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + html_escape(value) + "\">\n";
}

} // namespace

std::string format_jst(session::UnixSeconds t) {
    // Within what the clock's nanoseconds hold (1970 … 2255): a stored time past that would
    // otherwise overflow the conversion.
    t = std::clamp<session::UnixSeconds>(t, 0, 9'000'000'000);
    return codec::jst_display_minutes(codec::SystemTime(std::chrono::seconds(t))) + " JST";
}

std::string refusal_message(LoginRefusal r) {
    switch (r) {
    case LoginRefusal::bad_credentials:
        return "IDまたはパスワードが正しくありません。 / The ID or the password is not correct.";
    case LoginRefusal::too_many_attempts:
        return "失敗が多すぎるため、この端末からのログインは一時的に停止しています。 / Too many failed logins: "
               "logins from this terminal are paused for a while.";
    case LoginRefusal::session_limit:
        return "同時に利用できるセッション数の上限に達しています。他の端末でログアウトしてください。 / You already "
               "have the maximum number of sessions: sign out elsewhere first.";
    case LoginRefusal::facility:
        return "この端末は別の施設のものです。所属施設の端末を使用してください。 / This terminal belongs to another "
               "facility: use a terminal of your own facility.";
    case LoginRefusal::outside_hours:
        return "現在はログインできる時間帯ではありません。 / Logins are not allowed at this time.";
    case LoginRefusal::break_glass_off:
        return "緊急用アカウントは現在有効化されていません。 / This emergency account is not enabled now.";
    case LoginRefusal::unavailable:
        return "現在ログインできません。しばらくしてから再度お試しください。 / Login is not available right now; "
               "try again shortly.";
    case LoginRefusal::count_: break;
    }
    return "ログインできません。 / Login refused.";
}

std::string login_form_html(std::string_view next, std::string_view csrf, std::string_view error) {
    std::string body = "<h1>ログイン <small>Sign in</small></h1>\n";
    if (!error.empty()) body += "<p class=\"error\">" + html_escape(error) + "</p>\n";
    body += R"(<form method="post" action="/_sekisho/login">
)";
    body += hidden("csrf", csrf) + hidden("next", next);
    body += R"(<label>ユーザーID / User ID<input name="username" required autocomplete="username" autofocus></label>
<label>パスワード / Password<input name="password" type="password" required autocomplete="current-password"></label>
<button type="submit">ログイン / Sign in</button>
</form>
)";
    return page("ログイン / Sign in", body);
}

std::string login_notice_html(const session::Session& s, std::string_view next, std::string_view csrf) {
    std::string body = "<h1>ログインしました <small>Signed in</small></h1>\n";
    body += "<p>" + html_escape(s.display_name.empty() ? s.user : s.display_name) + " (" + html_escape(s.user) + ")</p>\n";
    if (s.previous_login_at)
        body += "<p>前回のログイン / Previous login: <b>" + format_jst(*s.previous_login_at) + "</b> (" +
                html_escape(s.previous_login_from) + ")</p>\n";
    else
        body += "<p>初めてのログインです。 / This is your first login.</p>\n";
    if (s.failures_since > 0)
        body += "<p class=\"warn\">前回のログイン以降、ログインの失敗が <b>" + std::to_string(s.failures_since) +
                "</b> 回ありました。心当たりがなければ管理者に連絡してください。<br>There were <b>" +
                std::to_string(s.failures_since) +
                "</b> failed logins since your previous login. If that was not you, tell your administrator.</p>\n";
    else
        body += "<p>前回のログイン以降、失敗したログインはありません。 / No failed logins since then.</p>\n";
    body += "<p><a href=\"" + html_escape(next) + "\">続ける / Continue</a></p>\n";
    body += "<form method=\"post\" action=\"/_sekisho/logout\">\n" + hidden("csrf", csrf) +
            "<button type=\"submit\">ログアウト / Sign out</button>\n</form>\n";
    return page("ログインしました / Signed in", body);
}

std::string password_form_html(std::string_view next, std::string_view csrf, std::string_view error, bool required) {
    std::string body = "<h1>パスワード変更 <small>Change your password</small></h1>\n";
    if (required)
        body += "<p class=\"warn\">続ける前にパスワードを変更してください。 / Change your password before you "
                "continue.</p>\n";
    if (!error.empty()) body += "<p class=\"error\">" + html_escape(error) + "</p>\n";
    body += R"(<p>8文字以上で、英大文字・英小文字・数字・記号のうち3種類以上を含めてください。IDや氏名、よく使われるパスワード、直近5回のパスワードは使えません。<br>
At least 8 characters with 3 of upper-case, lower-case, digits and symbols; not your ID or name, not a common password, not one of your last 5.</p>
<form method="post" action="/_sekisho/password">
)";
    body += hidden("csrf", csrf) + hidden("next", next);
    body += R"(<label>現在のパスワード / Current password<input name="current" type="password" required autocomplete="current-password"></label>
<label>新しいパスワード / New password<input name="new" type="password" required autocomplete="new-password"></label>
<label>新しいパスワード（確認） / New password again<input name="confirm" type="password" required autocomplete="new-password"></label>
<button type="submit">変更 / Change</button>
</form>
)";
    return page("パスワード変更 / Change password", body);
}

std::string signed_out_html() {
    return page("ログアウト / Signed out",
                "<h1>ログアウトしました <small>Signed out</small></h1>\n"
                "<p><a href=\"/_sekisho/login\">再度ログイン / Sign in again</a></p>\n");
}

std::string refused_html(std::string_view message) {
    return page("アクセスできません / Access refused",
                "<h1>アクセスできません <small>Access refused</small></h1>\n<p class=\"error\">" +
                    html_escape(message) + "</p>\n<p><a href=\"/_sekisho/login\">ログイン / Sign in</a></p>\n");
}

} // namespace sekisho::gateway::auth
