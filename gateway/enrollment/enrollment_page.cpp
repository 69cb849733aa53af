#include "gateway/enrollment/enrollment_page.hpp"

#include "gateway/http/html.hpp"
#include "pki/est_messages.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::string_view page_head = R"(<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>端末登録 / Terminal enrollment — Sekisho</title>
<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;padding:0 1em;line-height:1.6}
.error{color:#a00;font-weight:bold}.secret{font-family:monospace;font-size:1.4em;background:#eee;padding:.2em .5em}
label{display:block;margin-top:1em}input{font-size:1.1em;width:100%}button{margin-top:1em;font-size:1.1em}
</style></head><body>
)";

constexpr std::string_view page_tail = "</body></html>\n";

} // namespace

std::string enrollment_form_html(std::string_view ticket_id, std::string_view error) {
    std::string html(page_head);
    html += "<h1>端末登録 <small>Terminal enrollment</small></h1>\n";
    if (!error.empty()) html += "<p class=\"error\">" + html_escape(error) + "</p>\n";
    html += R"(<p>管理者から受け取ったチケットIDと登録コードを入力してください。<br>
Enter the ticket ID and the enrollment code your administrator gave you.</p>
<form method="post" action="/enroll">
<label>チケットID / Ticket ID<input name="ticket" required autocomplete="off" value=")" +
            html_escape(ticket_id) + R"("></label>
<label>登録コード / Enrollment code<input name="code" required autocomplete="off"
 placeholder="XXXXX-XXXXX-XXXXX-XXXXX"></label>
<button type="submit">証明書を発行 / Issue certificate</button>
</form>
)";
    html += page_tail;
    return html;
}

std::string enrollment_result_html(std::string_view device_name, std::string_view p12_der,
                                   std::string_view password, std::string_view root_fingerprint) {
    std::string html(page_head);
    html += "<h1>端末証明書を発行しました <small>Your terminal certificate</small></h1>\n";
    html += "<p>端末 / Terminal: <b>" + html_escape(device_name) + "</b></p>\n";
    html += "<p><a download=\"sekisho-terminal.p12\" href=\"data:application/x-pkcs12;base64," +
            pki::base64_encode(p12_der, false) +
            "\">PKCS#12 ファイルをダウンロード / Download the PKCS#12 file</a></p>\n";
    html += "<p>パスワード（この画面でのみ表示されます） / Password (shown only on this page):<br>"
            "<span class=\"secret\">" + html_escape(password) + "</span></p>\n";
    html += "<p><a href=\"/enroll/ca.crt\">CA証明書 / CA certificate</a> — SHA-256: <code>" +
            html_escape(root_fingerprint) + "</code><br>"
            "指紋が管理者から知らされた値と一致することを確認してください。 "
            "Check that this fingerprint matches the one your administrator gave you.</p>\n";
    html += R"(<h2>取り込み方法 / How to import</h2>
<h3>Windows</h3><ol>
<li>ダウンロードした .p12 ファイルをダブルクリックし、「現在のユーザー」を選びます。 Double-click the .p12 file and choose "Current User".</li>
<li>上のパスワードを入力し、証明書ストアは自動選択のまま完了します。 Enter the password above and keep the automatic certificate store.</li>
<li>CA証明書をダブルクリックし、「信頼されたルート証明機関」に取り込みます。 Install the CA certificate into "Trusted Root Certification Authorities".</li></ol>
<h3>macOS</h3><ol>
<li>.p12 ファイルをダブルクリックし、キーチェーン「ログイン」に追加します。 Double-click the .p12 file and add it to the "login" keychain.</li>
<li>上のパスワードを入力します。 Enter the password above.</li>
<li>CA証明書を追加し、キーチェーンアクセスで「常に信頼」にします。 Add the CA certificate and set it to "Always Trust" in Keychain Access.</li></ol>
<p>このページを閉じると、パスワードも秘密鍵も二度と表示できません。サーバーは秘密鍵を保存していません。<br>
Once you close this page, neither the password nor the private key can be shown again: the server does not keep the private key.</p>
)";
    html += page_tail;
    return html;
}

std::optional<std::pair<std::string, std::string>> parse_enrollment_form(std::string_view body) {
    const auto ticket = query_parameter(body, "ticket");
    const auto code = query_parameter(body, "code");
    if (ticket.empty() || code.empty()) return std::nullopt;
    return std::make_pair(ticket, code);
}

} // namespace sekisho::gateway
