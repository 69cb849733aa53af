// The network items: how terminals reach the gateway (TLS profile, client certificates,
// revocation), how the gateway reaches the backends, and who may administer it remotely.
#include "config/tls_profiles.hpp"
#include "disclosure/checks.hpp"

namespace sekisho::disclosure::checks {

namespace {

const std::string kTls = "tests/integration/test_tls_profiles.py::";
const std::string kRefusals = "tests/integration/test_handshake_refusals.py::";
const std::string kLogin = "tests/integration/test_login_sessions.py::";
const std::string kIdentity = "tests/integration/test_proxy_identity.py::";
const std::string kUpstream = "tests/integration/test_upstream_mtls.py::";
const std::string kAdmin = "tests/integration/test_admin_api.py::";
const std::string kExposure = "tests/integration/test_admin_exposure.py::";

std::string colons_to_commas(std::string list) {
    for (auto& c : list)
        if (c == ':') c = ',';
    std::string out;
    for (const char c : list) {
        out += c;
        if (c == ',') out += ' ';
    }
    return out;
}

void describe_listener(Text& text, const config::Config& c) {
    const bool tls12 = c.tls.profile == config::TlsProfile::tls12_high_security;
    say(text,
        "主リスナー " + c.listen.to_string() + "：" +
            (tls12 ? "TLS 1.3 を優先し、TLS 1.2 は CRYPTREC 高セキュリティ型の暗号スイートのみ（tls12-high-security）"
                   : "TLS 1.3 のみ（tls13）") +
            "。クライアント証明書必須（TLS クライアント認証）。",
        "Main listener " + c.listen.to_string() + ": " +
            (tls12 ? "TLS 1.3 preferred, TLS 1.2 with the CRYPTREC high-security suites only (tls12-high-security)"
                   : "TLS 1.3 only (tls13)") +
            "; a client certificate is required (TLS client authentication).");
    say(text, "TLS 1.3 スイート: " + colons_to_commas(config::kTls13Suites) + "。",
        "TLS 1.3 suites: " + colons_to_commas(config::kTls13Suites) + ".");
    if (tls12)
        say(text,
            "TLS 1.2 スイート: " + colons_to_commas(config::kTls12HighSecurityCiphers) +
                "（前方秘匿性＋AEAD のみ、拡張マスターシークレット必須、再ネゴシエーション・圧縮なし）。",
            "TLS 1.2 suites: " + colons_to_commas(config::kTls12HighSecurityCiphers) +
                " (forward secrecy and AEAD only, extended master secret required, no renegotiation or "
                "compression).");
    say(text, "鍵交換グループ: " + colons_to_commas(config::kTlsGroups) + "。",
        "Key-exchange groups: " + colons_to_commas(config::kTlsGroups) + ".");
}

} // namespace

Verdict transport_client_auth(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"tls.profile", "tls.client_ca", "tls.crl", "tls.allow_expired_crl", "admin.tls", "enrollment.listen"};
    v.tests = {kTls + "test_tls12_is_refused", kTls + "test_tls12_with_ecdhe_aead_suites_serves_requests",
               kTls + "test_tls12_cbc_suite_is_refused", kRefusals + "test_no_client_certificate_is_refused",
               kRefusals + "test_revoked_certificate_is_refused",
               kLogin + "test_cookie_replayed_from_another_terminal_is_refused_and_ends_the_session"};
    describe_listener(v.remarks, c);
    say(v.remarks,
        "失効確認: CRL " + count(c.tls.crl.size()) + " 件" +
            (c.tls.allow_expired_crl ? "（期限切れ CRL を許容する設定）" : "（期限切れの CRL では拒否）") + "。",
        "Revocation: " + count(c.tls.crl.size()) + " CRL(s)" +
            (c.tls.allow_expired_crl ? " (an expired CRL is accepted: tls.allow_expired_crl)" : " (refused when a CRL has expired)") +
            ".");
    say(v.remarks,
        "セッション間の回り込み対策: ログインセッションは発行時の端末証明書と施設に結び付けられ、別の端末から提示されたセッションは"
        "拒否して終了する。認証済みセッション以外はバックエンドに到達しない。",
        "Session cross-over: a login session is bound to the terminal certificate and facility it was issued to; "
        "presented from another terminal it is refused and ended. Nothing reaches a backend except through an "
        "authenticated session.");
    if (c.enrollment.listen)
        say(v.remarks,
            "登録用リスナー " + c.enrollment.listen->to_string() +
                " はサーバ認証のみ（端末はまだ証明書を持たない）で、証明書の発行と CRL の配布だけを行い、サービスには通さない。",
            "The enrollment listener " + c.enrollment.listen->to_string() +
                " authenticates the server only (terminals have no certificate yet); it issues certificates and "
                "serves CRLs, and passes nothing to the service.");
    if (c.tls.crl.empty() || c.tls.allow_expired_crl) {
        v.answer = Answer::no;
        say(v.remedy, "tls.crl に tls.client_ca の各 CA の CRL を指定し、tls.allow_expired_crl を false にする。",
            "List the CRL of every CA in tls.client_ca under tls.crl, and set tls.allow_expired_crl to false.");
    }
    return v;
}

Verdict encryption(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"tls.profile", "routes[].upstream", "upstream_tls"};
    v.tests = {kTls + "test_each_tls13_suite_serves_requests", kTls + "test_tls12_cbc_suite_is_refused"};
    say(v.remarks, "端末とゲートウェイ間の通信は常に TLS の AEAD 暗号（AES-GCM / ChaCha20-Poly1305 / AES-CCM）で暗号化する。",
        "Traffic between terminals and the gateway is always encrypted with TLS AEAD ciphers (AES-GCM, "
        "ChaCha20-Poly1305, AES-CCM).");
    const auto plain = plain_remote_upstreams(c);
    if (!plain.empty()) {
        v.answer = Answer::no;
        say(v.remarks, "平文 HTTP でループバック以外のバックエンドに転送する経路: " + join(plain, ", ") + "。",
            "Routes forwarding in plain HTTP to a backend that is not on loopback: " + join(plain, ", ") + ".");
        say(v.remedy, "経路 " + join(plain, ", ") + " の upstream を https:// にし、upstream_tls.ca でバックエンドの証明書を検証する。",
            "Make the upstream of route(s) " + join(plain, ", ") +
                " https:// and verify the backend's certificate with upstream_tls.ca.");
    } else {
        say(v.remarks, "バックエンドへの転送は https、またはループバック上のみ。",
            "Forwarding to backends is over https, or on loopback only.");
    }
    return v;
}

Verdict eavesdropping(const Facts& facts) {
    Verdict v = encryption(facts);
    v.tests.push_back(kUpstream + "test_gateway_client_certificate_reaches_upstream");
    say(v.remarks, "SSL-VPN やレイヤ 3 のトンネルは使わず、経路ごとの HTTPS のみを中継する（任意のホストへの中継はしない）。",
        "No SSL-VPN or layer-3 tunnel: only HTTPS route by route is relayed, never to arbitrary hosts.");
    return v;
}

Verdict tampering(const Facts& facts) {
    Verdict v = encryption(facts);
    v.config_keys.push_back("assertion.signing_key");
    v.tests = {kIdentity + "test_tampered_assertion_fails_verification",
               kIdentity + "test_forged_inbound_identity_headers_never_reach_backend",
               kIdentity + "test_assertion_is_an_es256_jws_that_verifies_against_the_jwks"};
    say(v.remarks,
        "TLS の AEAD が通信の改ざんを検出する。バックエンドには利用者・端末を ES256 署名付きアサーション（X-Sekisho-Jwt-Assertion）で"
        "伝え、端末から送られた同名のヘッダは除去する。",
        "TLS AEAD detects tampering in transit. Backends learn the user and terminal from an ES256-signed assertion "
        "(X-Sekisho-Jwt-Assertion); identity headers sent by a terminal are removed.");
    return v;
}

Verdict peer_verification(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"tls.client_ca", "tls.crl", "registry", "upstream_tls.ca", "routes[].upstream_tls"};
    v.tests = {kRefusals + "test_certificate_from_another_ca_is_refused",
               kUpstream + "test_upstream_certificate_from_unknown_ca_gives_502",
               kUpstream + "test_upstream_certificate_for_another_name_gives_502",
               kIdentity + "test_assertion_is_an_es256_jws_that_verifies_against_the_jwks"};
    say(v.remarks,
        std::string("送信元（端末）はクライアント証明書で確認する") +
            (c.registry.configured() ? "（登録簿で有効な端末のみ）" : "（登録簿なし: 発行 CA の署名のみ）") +
            "。端末はゲートウェイのサーバ証明書を登録時に受け取った信頼点で確認する。",
        std::string("The sender (terminal) is verified by its client certificate") +
            (c.registry.configured() ? " (active terminals of the registry only)" : " (no registry: the issuing CA's signature only)") +
            "; terminals verify the gateway's server certificate against the trust anchor installed at enrollment.");
    say(v.remarks,
        "送信先（バックエンド）は https の場合サーバ証明書と名前を検証し、バックエンドは署名付きアサーションでゲートウェイ経由であることを"
        "確認できる。",
        "The receiver (backend) is verified by its server certificate and name over https; backends can verify from "
        "the signed assertion that a request came through the gateway.");
    const auto plain = plain_remote_upstreams(c);
    if (!plain.empty()) {
        v.answer = Answer::no;
        say(v.remarks, "証明書で確認されないバックエンド（平文 HTTP・ループバック外）: " + join(plain, ", ") + "。",
            "Backends not verified by a certificate (plain HTTP, not loopback): " + join(plain, ", ") + ".");
        say(v.remedy, "経路 " + join(plain, ", ") + " の upstream を https:// にし、upstream_tls.ca を指定する。",
            "Make the upstream of route(s) " + join(plain, ", ") + " https:// and set upstream_tls.ca.");
    }
    return v;
}

Verdict spoofing(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"registry", "tls.crl", "routes[].login", "assertion.signing_key"};
    v.tests = {"tests/integration/test_registry_admission.py::test_2_unregistered_certificate_of_the_device_ca_is_refused_until_registered",
               "tests/integration/test_registry_admission.py::test_4_revoked_device_is_refused",
               kIdentity + "test_forged_inbound_identity_headers_never_reach_backend",
               kLogin + "test_cookie_replayed_from_another_terminal_is_refused_and_ends_the_session"};
    say(v.remarks,
        "端末のなりすまし: 発行 CA の証明書であっても登録簿で有効な端末でなければ接続を拒否する。利用者のなりすまし: ID・パスワードに加え"
        "端末証明書を要し、セッションは端末に結び付く。バックエンドへの本人情報は署名付きで、端末からは偽装できない。",
        "Terminal impersonation: even a certificate of the issuing CA is refused unless the registry holds it as an "
        "active terminal. User impersonation: the ID and password need the terminal's certificate too, and sessions "
        "are bound to the terminal. The identity handed to backends is signed and cannot be forged by a terminal.");
    if (!c.registry.configured()) {
        v.answer = Answer::no;
        say(v.remarks, "登録簿が設定されていないため、発行 CA の有効な証明書はすべて受け入れる。",
            "No registry is configured, so every valid certificate of the issuing CA is accepted.");
        say(v.remedy, "registry.sqlite（単一インスタンス）または registry.postgresql を設定し、端末を登録する。",
            "Configure registry.sqlite (one instance) or registry.postgresql, and register the terminals.");
    } else if (c.tls.crl.empty()) {
        v.answer = Answer::no;
        say(v.remedy, "tls.crl に発行 CA の CRL を指定する。", "List the issuing CA's CRL under tls.crl.");
    }
    return v;
}

Verdict remote_login(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"admin.listen", "admin.tls", "admin.tls.crl", "admin.api.allow_from"};
    v.tests = {kAdmin + "test_an_address_outside_the_allow_list_is_refused_before_any_password",
               kAdmin + "test_a_terminal_certificate_does_not_open_the_api",
               kAdmin + "test_a_terminal_cannot_log_in_as_an_administrator_nor_lock_one_out",
               kExposure + "test_a_network_address_without_tls_is_a_configuration_error"};
    say(v.remarks, "ゲートウェイはシェルやリモートデスクトップなどのリモートログイン手段を持たない。",
        "The gateway offers no remote login of its own (no shell, no remote desktop).");
    if (!c.admin.listen) {
        say(v.remarks, "管理リスナーなし: 管理はホスト上の sekishoctl のみ。", "No admin listener: administration is by sekishoctl on the host only.");
        return v;
    }
    if (!c.admin.tls) {
        say(v.remarks, "管理リスナー " + c.admin.listen->to_string() + " はループバックのみ（ホスト外から到達不能）。",
            "The admin listener " + c.admin.listen->to_string() + " is on loopback only (unreachable from other hosts).");
        return v;
    }
    say(v.remarks,
        "管理リスナー " + c.admin.listen->to_string() + " は TLS で、管理者（オペレータ）証明書を必須とする" +
            (c.admin.tls->crl.empty() ? "（CRL なし）" : "（CRL で失効確認）") + "。",
        "The admin listener " + c.admin.listen->to_string() + " is TLS and requires an operator certificate" +
            (c.admin.tls->crl.empty() ? " (no CRL)" : " (revocation checked against its CRL)") + ".");
    if (c.admin.api) {
        std::vector<std::string> from;
        for (const auto& cidr : c.admin.api->allow_from) from.push_back(cidr.text);
        say(v.remarks,
            "管理 API は管理端末のアドレス（" + join(from, ", ") +
                "）からのみ、証明書の CN と同じ管理者の ID・パスワードで利用でき、役割ごとに操作を制限する。管理者アカウントは端末からログインできない。",
            "The administration API answers only management terminals (" + join(from, ", ") +
                "), for an administrator whose ID matches the certificate's CN and whose password checks out, "
                "within their role. Administrator accounts cannot log in on terminals.");
    }
    if (facts.registry)
        say(v.remarks, "有効な管理者: " + count(facts.registry->administrators) + " 人。",
            "Active administrators: " + count(facts.registry->administrators) + ".");
    if (c.admin.tls->crl.empty()) {
        v.answer = Answer::no;
        say(v.remedy, "admin.tls.crl にオペレータ CA の CRL を指定する（sekishoctl pki operator-ca）。",
            "Set admin.tls.crl to the operator CA's CRL (sekishoctl pki operator-ca).");
    }
    return v;
}

} // namespace sekisho::disclosure::checks
