// The authentication items: two factors, roles, the unattended terminal, the fallback when a
// terminal fails, and the emergency (break-glass) accounts.
#include "credentials/password_policy.hpp"

#include <algorithm>
#include "disclosure/checks.hpp"

namespace sekisho::disclosure::checks {

namespace {

const std::string kLogin = "tests/integration/test_login_sessions.py::";
const std::string kIdentity = "tests/integration/test_proxy_identity.py::";

const Text kNoRegistryRemedy{"registry.sqlite（単一インスタンス）または registry.postgresql を設定し、利用者を登録する。",
                             "Configure registry.sqlite (one instance) or registry.postgresql, and add the users."};

void login_remedy(Verdict& v, const config::Config& c) {
    if (!c.registry.configured()) {
        say(v.remedy, kNoRegistryRemedy.ja, kNoRegistryRemedy.en);
        return;
    }
    const auto routes = certificate_only_routes(c);
    say(v.remedy, "経路 " + join(routes, ", ") + " の login: false を削除する（ログイン必須に戻す）。",
        "Remove login: false from route(s) " + join(routes, ", ") + " (so that they require a login again).");
}

bool login_everywhere(const config::Config& c) {
    return c.registry.configured() && !c.routes.empty() && certificate_only_routes(c).empty();
}

void say_certificate_only(Verdict& v, const config::Config& c) {
    if (!c.registry.configured())
        say(v.remarks, "登録簿がないため、すべての経路が端末証明書だけで通る。",
            "There is no registry, so every route admits on the terminal certificate alone.");
    else if (const auto routes = certificate_only_routes(c); !routes.empty())
        say(v.remarks, "端末証明書だけで通る経路（login: false）: " + join(routes, ", ") + "。",
            "Routes admitting on the terminal certificate alone (login: false): " + join(routes, ", ") + ".");
}

// いいえ, saying which routes and how to fix them, unless every route needs a login.
void no_unless_login_everywhere(Verdict& v, const config::Config& c) {
    if (login_everywhere(c)) return;
    v.answer = Answer::no;
    say_certificate_only(v, c);
    login_remedy(v, c);
}

} // namespace

Verdict access_control(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"registry", "routes[].login", "routes[].roles"};
    v.tests = {kLogin + "test_browser_flow_reaches_the_backend_with_the_users_identity",
               "tests/integration/test_registry_admission.py::test_5_unreadable_registry_admits_nobody"};
    say(v.remarks, "端末（証明書）と利用者（ID・パスワード）を登録簿で管理し、両方が有効なときだけサービスに通す。",
        "Terminals (certificates) and users (ID and password) are managed in the registry; the service is reached "
        "only while both are active.");
    if (facts.registry)
        say(v.remarks,
            "有効な利用者 " + count(facts.registry->users_active) + " 人、無効 " + count(facts.registry->users_disabled) +
                " 人、ロック中 " + count(facts.registry->users_locked) + " 人。",
            "Active users " + count(facts.registry->users_active) + ", disabled " +
                count(facts.registry->users_disabled) + ", locked " + count(facts.registry->users_locked) + ".");
    if (!c.registry.configured()) {
        v.answer = Answer::no;
        say(v.remedy, kNoRegistryRemedy.ja, kNoRegistryRemedy.en);
    }
    return v;
}

Verdict two_factor(const Facts& facts) {
    const auto& c = facts.config;
    const credentials::PasswordPolicy policy;
    Verdict v;
    v.config_keys = {"registry", "routes[].login", "auth.lockout", "auth.spraying", "auth.password_rule"};
    v.tests = {kLogin + "test_browser_flow_reaches_the_backend_with_the_users_identity",
               kIdentity + "test_without_login_the_browser_is_sent_to_the_login_page",
               "tests/integration/test_handshake_refusals.py::test_no_client_certificate_is_refused",
               kLogin + "test_five_failures_lock_even_the_right_password_until_unlocked"};
    say(v.remarks,
        "所持: 登録された端末のクライアント証明書（鍵は端末内）。記憶: ID・パスワード（" + count(policy.min_length()) +
            " 文字以上、" +
            (c.auth.password_rule == config::PasswordRule::three_of_four ? "英大文字・小文字・数字・記号のうち3種"
                                                                         : "英字・数字・記号を混在") +
            "、直近 " + count(policy.history) + " 回の再利用禁止、Argon2id で保存）。二要素を同じゲートウェイで確認する。",
        "Possession: the client certificate of a registered terminal (its key stays in the terminal). Knowledge: ID and "
        "password (at least " + count(policy.min_length()) + " characters, " +
            (c.auth.password_rule == config::PasswordRule::three_of_four ? "3 of upper, lower, digits and symbols"
                                                                         : "letters, digits and symbols mixed") +
            ", none of the last " + count(policy.history) +
            " reused, stored with Argon2id). Both factors are checked in one place.");
    say(v.remarks,
        "ロックアウト: " + duration_text(c.auth.lockout.window).ja + "に " + count(c.auth.lockout.max_failures) + " 回失敗で " +
            duration_text(c.auth.lockout.lock).ja + "。パスワードスプレー: 端末ごと " + count(c.auth.spraying.per_terminal) +
            " 回・送信元ごと " + count(c.auth.spraying.per_source) + " 回 / " + duration_text(c.auth.spraying.window).ja + "。",
        "Lockout: " + count(c.auth.lockout.max_failures) + " failures within " + duration_text(c.auth.lockout.window).en +
            " lock for " + duration_text(c.auth.lockout.lock).en + ". Password spraying: " +
            count(c.auth.spraying.per_terminal) + " per terminal, " + count(c.auth.spraying.per_source) +
            " per source address within " + duration_text(c.auth.spraying.window).en + ".");
    if (facts.failures)
        say(v.remarks,
            "直近 " + std::to_string(facts.failures->days) + " 日: ログイン失敗 " + count(facts.failures->login_failures) +
                " 件、ロック " + count(facts.failures->lockouts) + " 件、端末証明書の拒否 " +
                count(facts.failures->handshake_refusals) + " 件。",
            "Last " + std::to_string(facts.failures->days) + " days: " + count(facts.failures->login_failures) +
                " failed logins, " + count(facts.failures->lockouts) + " lockouts, " +
                count(facts.failures->handshake_refusals) + " refused terminal certificates.");
    no_unless_login_everywhere(v, c);
    return v;
}

Verdict device_fallback(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"enrollment.listen", "enrollment.temporary_validity", "auth.break_glass.enabled"};
    v.tests = {"tests/integration/test_enrollment_temporary.py::test_a_temporary_ticket_yields_a_short_marked_credential",
               kLogin + "test_an_emergency_account_works_only_inside_an_opened_period"};
    bool any = false;
    if (c.enrollment.listen) {
        any = true;
        say(v.remarks,
            "端末が壊れた・紛失した場合、代替端末に一時的な証明書（有効期間 " + duration_text(c.enrollment.temporary_validity).ja +
                "、更新不可、すべての記録に temporary=true）を発行できる（sekishoctl device ticket create --temporary）。",
            "When a terminal breaks or is lost, a stand-in terminal can get a temporary credential (valid " +
                duration_text(c.enrollment.temporary_validity).en +
                ", never renewed, temporary=true in every record): sekishoctl device ticket create --temporary.");
    }
    if (c.auth.break_glass.enabled) {
        any = true;
        say(v.remarks, "非常時アカウントを有効にしている（最長 " + duration_text(c.auth.break_glass.max_duration).ja + "）。",
            "Emergency accounts are enabled (at most " + duration_text(c.auth.break_glass.max_duration).en + ").");
    }
    if (!any) {
        v.answer = Answer::no;
        say(v.remarks, "登録用リスナーも非常時アカウントもない。", "Neither an enrollment listener nor emergency accounts.");
        say(v.remedy,
            "enrollment.listen と enrollment.ca を設定し、代替端末に一時証明書を発行できるようにする（または auth.break_glass.enabled: true）。",
            "Configure enrollment.listen and enrollment.ca so that stand-in terminals can get temporary credentials "
            "(or set auth.break_glass.enabled: true).");
    }
    return v;
}

Verdict roles(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"registry", "routes[].roles", "routes[].cross_facility_roles", "auth.login_windows"};
    v.tests = {kLogin + "test_routes_admit_only_their_roles", kLogin + "test_users_of_another_facility_are_refused",
               "tests/integration/test_login_windows.py::test_a_role_whose_window_closed_is_no_longer_granted"};
    std::vector<std::string> restricted;
    for (const auto& route : c.routes) {
        if (route.roles.empty()) continue;
        restricted.push_back(route.name + "（" + join(route.roles, ", ") + "）");
    }
    say(v.remarks,
        "利用者は役割（職種・担当）と施設を持ち、署名付きアサーションの roles としてバックエンドに渡す。役割を限定する経路: " +
            (restricted.empty() ? std::string("なし") : join(restricted, ", ")) + "。ログイン時間帯の制限 " +
            count(c.auth.login_windows.size()) + " 件。他施設の端末は利用できない。",
        "Users hold roles (job type, duty) and a facility, handed to backends as the roles of the signed assertion. "
        "Routes limited to roles: " +
            (restricted.empty() ? std::string("none") : join(restricted, ", ")) + ". Login windows: " +
            count(c.auth.login_windows.size()) + ". Terminals of another facility are refused.");
    if (!c.registry.configured()) {
        v.answer = Answer::no;
        say(v.remedy, kNoRegistryRemedy.ja, kNoRegistryRemedy.en);
    }
    return v;
}

Verdict identification(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"routes[].login", "assertion.signing_key", "assertion.ttl"};
    v.tests = {kIdentity + "test_assertion_is_an_es256_jws_that_verifies_against_the_jwks",
               kLogin + "test_browser_flow_reaches_the_backend_with_the_users_identity"};
    say(v.remarks,
        "認証した利用者・施設・端末を ES256 署名付きアサーション（有効 " + duration_text(c.assertion.ttl).ja +
            "）でバックエンドに伝え、入力者の識別に使える。",
        "The authenticated user, facility and terminal are handed to backends in an ES256-signed assertion (valid " +
            duration_text(c.assertion.ttl).en + "), identifying who enters each record.");
    no_unless_login_everywhere(v, c);
    return v;
}

Verdict unattended_terminal(const Facts& facts) {
    const auto& c = facts.config;
    const auto& s = c.auth.sessions;
    Verdict v;
    v.config_keys = {"auth.sessions.idle_timeout", "auth.sessions.absolute_timeout", "auth.sessions.max_per_user",
                     "routes[].login"};
    v.tests = {"tests/integration/test_audit_feeds.py::test_an_idle_session_expires_with_an_event",
               "tests/unit/session_store_test.cpp: a session is found while used and lost after the idle or absolute limit"};
    say(v.remarks,
        "操作のないセッションは " + duration_text(s.idle_timeout).ja + "で終了し、再ログインが必要。最長 " +
            duration_text(s.absolute_timeout).ja + "、1 人あたり同時 " + count(s.max_per_user) + " セッションまで。",
        "A session with no activity ends after " + duration_text(s.idle_timeout).en + " and needs a new login; at most " +
            duration_text(s.absolute_timeout).en + ", and " + count(s.max_per_user) + " sessions per user at once.");
    if (s.idle_timeout > kMaxIdleTimeout) {
        v.answer = Answer::no;
        say(v.remedy, "auth.sessions.idle_timeout を " + duration_text(kMaxIdleTimeout).ja + "以下にする。",
            "Set auth.sessions.idle_timeout to " + duration_text(kMaxIdleTimeout).en + " or less.");
    }
    no_unless_login_everywhere(v, c);
    return v;
}

Verdict emergency_accounts(const Facts& facts) {
    const auto& bg = facts.config.auth.break_glass;
    Verdict v;
    v.config_keys = {"auth.break_glass.enabled", "auth.break_glass.max_duration"};
    v.tests = {kLogin + "test_an_emergency_account_works_only_inside_an_opened_period",
               kLogin + "test_break_glass_stays_off_unless_the_configuration_enables_it"};
    if (!bg.enabled) {
        v.answer = Answer::no;
        say(v.remarks, "非常時アカウントは無効（auth.break_glass.enabled: false）。",
            "Emergency accounts are disabled (auth.break_glass.enabled: false).");
        say(v.remedy,
            "auth.break_glass.enabled: true とし、非常時アカウントを作成する（sekishoctl user add --break-glass）。",
            "Set auth.break_glass.enabled: true and create the emergency accounts (sekishoctl user add --break-glass).");
        return v;
    }
    say(v.remarks,
        "非常時アカウントは管理者が期間を開いたときだけ使え（最長 " + duration_text(bg.max_duration).ja +
            "）、利用は記録・通報される。",
        "Emergency accounts work only inside a period an administrator opens (at most " +
            duration_text(bg.max_duration).en + "); every use is recorded and alerted.");
    if (facts.registry)
        say(v.remarks, "非常時アカウント " + count(facts.registry->break_glass_accounts) + " 件。",
            "Emergency accounts: " + count(facts.registry->break_glass_accounts) + ".");
    if (facts.failures)
        say(v.remarks,
            "直近 " + std::to_string(facts.failures->days) + " 日の非常時ログイン " + count(facts.failures->break_glass_logins) + " 件。",
            "Emergency logins in the last " + std::to_string(facts.failures->days) + " days: " +
                count(facts.failures->break_glass_logins) + ".");
    return v;
}

Verdict emergency_procedure(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"auth.break_glass.enabled", "audit.file", "alerts.disabled_rules"};
    v.tests = {"tests/integration/test_alert_rules.py::test_an_emergency_account_alerts_once_when_opened_not_again_when_used",
               kLogin + "test_an_emergency_account_works_only_inside_an_opened_period"};
    if (!c.auth.break_glass.enabled) {
        v.answer = Answer::not_applicable;
        say(v.remarks, "非常時アカウントを使わない設定（auth.break_glass.enabled: false）。",
            "Emergency accounts are not used (auth.break_glass.enabled: false).");
        return v;
    }
    say(v.remarks,
        "手順: README「Emergency (break-glass) accounts」。期間の開始・終了・利用は台帳と監査証跡に残り、sekishoctl report review が"
        "定期見直しで一覧にする。",
        "Procedure: README, \"Emergency (break-glass) accounts\". Opening, closing and every use of a period are in "
        "the ledger and the audit trail, and listed by sekishoctl report review.");
    const bool alert_off = std::find(c.alerts.disabled_rules.begin(), c.alerts.disabled_rules.end(), "break_glass") !=
                           c.alerts.disabled_rules.end();
    if (c.audit.file.empty()) {
        v.answer = Answer::no;
        say(v.remedy, "audit.file を設定して非常時アカウントの利用を監査証跡に残す。",
            "Set audit.file so that the use of emergency accounts is in the audit trail.");
    }
    if (!c.alerts.enabled || alert_off) {
        v.answer = Answer::no;
        say(v.remedy, "alerts.enabled: true とし、alerts.disabled_rules から break_glass を外す。",
            "Set alerts.enabled: true and remove break_glass from alerts.disabled_rules.");
    }
    return v;
}

Verdict emergency_end(const Facts& facts) {
    const auto& bg = facts.config.auth.break_glass;
    Verdict v;
    v.config_keys = {"auth.break_glass.enabled", "auth.break_glass.max_duration"};
    v.tests = {kLogin + "test_an_emergency_account_works_only_inside_an_opened_period"};
    if (!bg.enabled) {
        v.answer = Answer::not_applicable;
        say(v.remarks, "非常時アカウントを使わない設定（auth.break_glass.enabled: false）。",
            "Emergency accounts are not used (auth.break_glass.enabled: false).");
        return v;
    }
    say(v.remarks,
        "非常時の期間は最長 " + duration_text(bg.max_duration).ja +
            "で自動的に終わり、管理者は正常復帰時に終了できる（sekishoctl user break-glass-close）。期間外のログインは拒否する。",
        "An emergency period ends by itself after at most " + duration_text(bg.max_duration).en +
            ", and an administrator ends it when normal operation resumes (sekishoctl user break-glass-close). Logins "
            "outside a period are refused.");
    if (bg.max_duration > kMaxBreakGlassPeriod) {
        v.answer = Answer::no;
        say(v.remedy, "auth.break_glass.max_duration を 24時間以下にする。", "Set auth.break_glass.max_duration to 24 h or less.");
    }
    return v;
}

} // namespace sekisho::disclosure::checks
