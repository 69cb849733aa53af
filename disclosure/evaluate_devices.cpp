// The terminal items: which terminals may connect, their ledger, and the redundancy of the
// service that admits them.
#include "disclosure/checks.hpp"

namespace sekisho::disclosure::checks {

namespace {

const std::string kAdmission = "tests/integration/test_registry_admission.py::";

void say_devices(Verdict& v, const Facts& facts) {
    if (!facts.registry) {
        if (!facts.registry_problem.empty())
            say(v.remarks, "登録簿を読めなかった: " + facts.registry_problem + "。",
                "The registry could not be read: " + facts.registry_problem + ".");
        return;
    }
    const auto& r = *facts.registry;
    say(v.remarks,
        "登録端末: 有効 " + count(r.devices_active) + " 台（うち一時証明書 " + count(r.devices_temporary) + " 台）、停止中 " +
            count(r.devices_suspended) + " 台、失効 " + count(r.devices_revoked) + " 台、施設 " + count(r.facilities) + "。",
        "Registered terminals: " + count(r.devices_active) + " active (" + count(r.devices_temporary) +
            " on temporary credentials), " + count(r.devices_suspended) + " suspended, " + count(r.devices_revoked) +
            " revoked; " + count(r.facilities) + " facilities.");
}

void no_registry(Verdict& v) {
    v.answer = Answer::no;
    say(v.remarks, "登録簿が設定されていない。", "No registry is configured.");
    say(v.remedy, "registry.sqlite（単一インスタンス）または registry.postgresql を設定し、端末を登録する（sekishoctl device register）。",
        "Configure registry.sqlite (one instance) or registry.postgresql and register the terminals (sekishoctl "
        "device register).");
}

} // namespace

Verdict terminal_management(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"registry", "tls.crl", "enrollment.ca"};
    v.tests = {kAdmission + "test_2_unregistered_certificate_of_the_device_ca_is_refused_until_registered",
               kAdmission + "test_3_suspend_closes_live_connection_and_refuses_new_and_resumed",
               kAdmission + "test_4_revoked_device_is_refused",
               "tests/integration/test_mass_revocation.py::test_facility_revocation_closes_its_terminals_and_spares_the_others"};
    say(v.remarks,
        "登録簿にある有効な端末の証明書だけを受け入れ、停止・失効した端末は接続中のものも 1 秒以内に切断する。証明書は登録時に"
        "ゲートウェイの CA が発行し、更新・失効を管理する。",
        "Only certificates of active terminals in the registry are admitted; a suspended or revoked terminal is cut "
        "off within a second, live connections included. Certificates are issued by the gateway's CA at enrollment, "
        "renewed and revoked by it.");
    say_devices(v, facts);
    if (!c.registry.configured()) no_registry(v);
    else if (c.tls.crl.empty()) {
        v.answer = Answer::no;
        say(v.remedy, "tls.crl に発行 CA の CRL を指定する。", "List the issuing CA's CRL under tls.crl.");
    }
    return v;
}

Verdict registered_devices_only(const Facts& facts) {
    Verdict v;
    v.config_keys = {"registry", "tls.client_ca"};
    v.tests = {kAdmission + "test_2_unregistered_certificate_of_the_device_ca_is_refused_until_registered",
               "tests/integration/test_handshake_refusals.py::test_certificate_from_another_ca_is_refused"};
    say(v.remarks,
        "登録簿に登録され、ゲートウェイの CA が証明書を発行した端末だけが接続できる。個人所有の機器は証明書を持たないため接続できない。",
        "Only terminals registered in the registry, with a certificate from the gateway's CA, can connect; a "
        "personally owned device has no such certificate and is refused.");
    say_devices(v, facts);
    if (!facts.config.registry.configured()) no_registry(v);
    return v;
}

Verdict device_ledger(const Facts& facts) {
    Verdict v;
    v.config_keys = {"registry", "registry.last_seen_flush"};
    v.tests = {"tests/integration/test_device_cli.py::test_lifecycle_and_ledger",
               "tests/integration/test_periodic_review.py::test_connected_terminal_gets_a_last_seen_time_and_leaves_the_unseen_list"};
    say(v.remarks,
        "端末台帳: 端末ごとに施設・名称・証明書・状態・最終接続日時を登録簿に持ち、すべての変更を台帳（誰が・いつ・理由）に記録する。"
        "sekishoctl report review で未接続の端末を一覧にする。",
        "Terminal ledger: each terminal's facility, name, certificates, status and last connection are in the "
        "registry, and every change is in the ledger (who, when, why); sekishoctl report review lists terminals not "
        "seen lately.");
    say_devices(v, facts);
    if (!facts.config.registry.configured()) no_registry(v);
    return v;
}

Verdict redundancy(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"registry.postgresql", "auth.sessions.store", "cluster.secret_file"};
    v.tests = {"tests/integration/test_sessions_redis.py::test_login_on_a_is_a_session_on_b_and_the_backend_sees_the_user",
               "tests/integration/test_balancer_two_gateways.py::test_a_login_through_the_balancer_works_on_the_other_instance_with_the_terminal_address"};
    const bool shared_registry = c.registry.postgresql.has_value();
    const bool shared_sessions = c.auth.sessions.store == config::SessionStoreKind::redis;
    say(v.remarks,
        std::string("登録簿: ") + (shared_registry ? "PostgreSQL（複数インスタンスで共有）" : c.registry.configured() ? "SQLite（単一インスタンス）" : "なし") +
            "。セッション: " + (shared_sessions ? "Redis（複数インスタンスで共有）" : "メモリ（インスタンスごと）") + "。",
        std::string("Registry: ") +
            (shared_registry ? "PostgreSQL (shared by several instances)" : c.registry.configured() ? "SQLite (one instance)" : "none") +
            ". Sessions: " + (shared_sessions ? "Redis (shared by several instances)" : "memory (per instance)") + ".");
    if (!shared_registry || !shared_sessions) {
        v.answer = Answer::no;
        say(v.remedy,
            "registry.postgresql と auth.sessions.store: redis（cluster.secret_file）を設定し、2 台以上のインスタンスをロードバランサ"
            "（deploy/haproxy）の背後で動かす。",
            "Configure registry.postgresql and auth.sessions.store: redis (with cluster.secret_file) and run two or more "
            "instances behind a balancer (deploy/haproxy).");
    } else {
        say(v.remarks, "複数インスタンスが同じ登録簿とセッションを共有し、1 台が止まっても他のインスタンスで利用を続けられる。",
            "Several instances share the registry and the sessions; when one stops, the others carry on.");
    }
    return v;
}

} // namespace sekisho::disclosure::checks
