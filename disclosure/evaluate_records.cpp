// The record items: the audit trail, its protection, the clock, alerts, administration
// records, and backups.
#include "disclosure/checks.hpp"

#include <cstdio>

namespace sekisho::disclosure::checks {

namespace {

const std::string kTrail = "tests/integration/test_audit_trail.py::";
const std::string kBackup = "tests/integration/test_backup.py::";

const Text kNoAudit{"audit.file を設定する（例: /var/log/sekisho/audit.jsonl）。監査証跡の封印には audit.seal_key を指定する。",
                    "Set audit.file (e.g. /var/log/sekisho/audit.jsonl), and audit.seal_key to seal the trail."};

void say_trail(Verdict& v, const Facts& facts) {
    const auto& a = facts.config.audit;
    if (a.file.empty()) {
        say(v.remarks, "監査証跡なし（audit.file 未設定）: 記録はログ出力（標準エラー / journald）のみ。",
            "No audit trail (audit.file not set): events go to the log output (stderr / journald) only.");
        return;
    }
    say(v.remarks,
        "監査証跡 " + a.file + "（ハッシュ連鎖の JSON Lines、" +
            (a.seal_key.empty() ? std::string("封印なし") : "ES256 で " + duration_text(a.seal_interval).ja + "ごとに封印") +
            "、保存期間 " + duration_text(a.retention).ja + (a.syslog ? "、syslog " + a.syslog->address.to_string() + " へ複製" : "") +
            "）。利用者 ID・ログインの成否・時刻・送信元 IP・端末証明書・アクセス先・管理操作、記録の開始と停止を記録する。",
        "Audit trail " + a.file + " (hash-chained JSON Lines, " +
            (a.seal_key.empty() ? std::string("not sealed") : "sealed with ES256 every " + duration_text(a.seal_interval).en) +
            ", kept " + duration_text(a.retention).en + (a.syslog ? ", copied to syslog " + a.syslog->address.to_string() : "") +
            "). It records user IDs, login outcomes, times, source addresses, terminal certificates, the resources "
            "accessed, administrative actions, and the start and stop of recording.");
    if (facts.failures)
        say(v.remarks,
            "直近 " + std::to_string(facts.failures->days) + " 日の記録 " + count(facts.failures->records) +
                " 件（証跡に書かれたとおりに数えた。改変のないことは sekishoctl audit verify --trail が確かめる）。",
            "Records in the last " + std::to_string(facts.failures->days) + " days: " + count(facts.failures->records) +
                " (counted as the trail reads; sekishoctl audit verify --trail proves it unaltered).");
    else if (!facts.failures_problem.empty())
        say(v.remarks, "監査証跡を読めなかった: " + facts.failures_problem + "。",
            "The audit trail could not be read: " + facts.failures_problem + ".");
}

Verdict needs_audit(Verdict v, const Facts& facts) {
    if (facts.config.audit.file.empty()) {
        v.answer = Answer::no;
        say(v.remedy, kNoAudit.ja, kNoAudit.en);
    }
    return v;
}

std::string hours(std::int64_t seconds) {
    return std::to_string(seconds / 3600);
}

// Whether the newest generation is there, young enough and whole; the remedy when not.
bool backup_sound(Verdict& v, const Facts& facts) {
    const auto& c = facts.config;
    if (!c.backup || !facts.backups) {
        say(v.remarks, "バックアップの保存先が設定されていない（backup.dir）。",
            "The backup folder is not configured (backup.dir).");
        say(v.remedy,
            "backup.dir を設定し、sekisho-backup.timer（deploy/systemd）で毎日 sekishoctl backup create --out に同じフォルダを渡す。",
            "Set backup.dir and run sekishoctl backup create --out with that folder daily (sekisho-backup.timer, "
            "deploy/systemd).");
        return false;
    }
    const auto& b = *facts.backups;
    const auto max_age = c.backup->max_age.count();
    say(v.remarks,
        "バックアップ " + b.dir + ": 完全な世代 " + count(b.complete_generations) + " 個" +
            (b.newest.empty() ? std::string("。") : "、最新 " + b.newest + "（" + hours(b.newest_age.value_or(0)) + " 時間前、" +
                                                        (b.verified ? "検証済み" : "検証で問題あり") + "）。") +
            "登録簿のスナップショット、設定と証明書・CRL、鍵（パスフレーズで封印）、監査証跡の先頭を世代ごとに保存する。",
        "Backups in " + b.dir + ": " + count(b.complete_generations) + " complete generation(s)" +
            (b.newest.empty() ? std::string(".") : "; newest " + b.newest + " (" + hours(b.newest_age.value_or(0)) + " h old, " +
                                                       (b.verified ? "verified" : "verify found problems") + ").") +
            " Each generation holds a registry snapshot, the configuration with its certificates and CRLs, the keys "
            "(sealed under a passphrase) and the audit trail's head.");
    for (const auto& problem : b.problems) say(v.remarks, "問題: " + problem + "。", "Problem: " + problem + ".");
    if (b.newest.empty()) {
        say(v.remedy, "sekishoctl backup create --out " + b.dir + " を実行し、sekisho-backup.timer を有効にする。",
            "Run sekishoctl backup create --out " + b.dir + " and enable sekisho-backup.timer.");
        return false;
    }
    if (b.newest_age.value_or(max_age + 1) > max_age) {
        say(v.remedy,
            "最新の世代が " + hours(max_age) + " 時間より古い: sekisho-backup.timer が動いているか確認し、sekishoctl backup create を実行する。",
            "The newest generation is older than " + hours(max_age) +
                " h: check that sekisho-backup.timer runs, and run sekishoctl backup create.");
        return false;
    }
    if (!b.verified) {
        say(v.remedy, "sekishoctl backup verify で問題の世代を確認し、新しい世代を作る。",
            "Look at the generation with sekishoctl backup verify, and make a new one.");
        return false;
    }
    return true;
}

} // namespace

Verdict access_log(const Facts& facts) {
    Verdict v;
    v.config_keys = {"audit.file", "audit.seal_key", "audit.retention", "audit.syslog", "log.format"};
    v.tests = {kTrail + "test_1_authentication_events_are_recorded_chained_and_sealed",
               kTrail + "test_4_search_and_export_for_an_investigation",
               "tests/integration/test_audit_feeds.py::test_every_record_reaches_the_collector_as_rfc5424"};
    say_trail(v, facts);
    return needs_audit(std::move(v), facts);
}

Verdict access_history(const Facts& facts) {
    Verdict v;
    v.config_keys = {"audit.file"};
    v.tests = {kTrail + "test_4_search_and_export_for_an_investigation"};
    say(v.remarks,
        "サービスへの要求はすべて、利用者・端末・施設・経路・パス・応答コードとともに監査証跡に記録する（sekishoctl audit search）。",
        "Every request to the service is recorded in the audit trail with its user, terminal, facility, route, path "
        "and status (sekishoctl audit search).");
    return needs_audit(std::move(v), facts);
}

Verdict log_protection(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"audit.file", "audit.seal_key", "admin.tls"};
    v.tests = {kTrail + "test_2_verify_catches_edits_deletions_insertions_and_reordering",
               "tests/integration/test_admin_api.py::test_an_auditor_reads_but_cannot_change"};
    if (c.audit.file.empty()) {
        say_trail(v, facts);
        return needs_audit(std::move(v), facts);
    }
    say(v.remarks,
        std::string("監査証跡はハッシュ連鎖で、編集・削除・挿入・並べ替えを sekishoctl audit verify が検出する") +
            (c.audit.seal_key.empty() ? "（封印鍵なし）" : "（ES256 の封印つき）") +
            "。閲覧は管理者証明書で認証した管理リスナーまたはホスト上の権限のある利用者に限る。",
        std::string("The audit trail is hash-chained: sekishoctl audit verify finds edits, deletions, insertions and "
                    "reordering") +
            (c.audit.seal_key.empty() ? " (no seal key)" : " (sealed with ES256)") +
            ". Reading it takes an operator certificate on the admin listener, or a privileged account on the host.");
    if (facts.audit_file && facts.audit_file->exists) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", facts.audit_file->mode & 07777);
        say(v.remarks, std::string("ファイルの権限 ") + mode + "。", std::string("File mode ") + mode + ".");
        if (facts.audit_file->mode & 0007) {
            v.answer = Answer::no;
            say(v.remedy, "chmod o-rwx " + c.audit.file + "（他の利用者から読めないようにする）。",
                "chmod o-rwx " + c.audit.file + " (so that other users cannot read it).");
        }
    }
    if (c.audit.seal_key.empty()) {
        v.answer = Answer::no;
        say(v.remedy, "audit.seal_key に封印鍵（EC P-256、HSM の pkcs11: URI も可）を指定する。",
            "Set audit.seal_key to a sealing key (EC P-256; an HSM's pkcs11: URI is fine).");
    }
    return v;
}

Verdict time_accuracy(const Facts& facts) {
    const auto& c = facts.config;
    Verdict v;
    v.config_keys = {"alerts.clock_unsynchronized_after", "alerts.disabled_rules"};
    v.tests = {"tests/unit/gateway_health_watch_test.cpp: the clock: warned when sync is lost, critical after the limit, restored"};
    say(v.remarks,
        "記録の時刻は日本時間（JST、ミリ秒）。時刻同期が " + duration_text(c.alerts.clock_unsynchronized_after).ja +
            "以上失われると通報する（clock_unsynchronized）。",
        "Record times are in Japan time (JST, milliseconds). Losing time sync for " +
            duration_text(c.alerts.clock_unsynchronized_after).en + " raises an alert (clock_unsynchronized).");
    if (!facts.clock) {
        v.answer = Answer::no;
        say(v.remarks, "時刻同期の状態は不明。", "The clock's sync state is unknown.");
    } else {
        char error[32];
        std::snprintf(error, sizeof error, "%.3f", static_cast<double>(facts.clock->max_error_us) / 1000.0);
        say(v.remarks,
            std::string("この時点の時刻同期: ") + (facts.clock->synchronized ? "同期済み" : "未同期") + "（最大誤差 " + error + " ms）。",
            std::string("Clock sync now: ") + (facts.clock->synchronized ? "synchronised" : "not synchronised") +
                " (maximum error " + error + " ms).");
        if (!facts.clock->synchronized) v.answer = Answer::no;
    }
    if (v.answer == Answer::no)
        say(v.remedy, "NTP で標準時刻に同期する（chrony または systemd-timesyncd、1 日 1 回以上）。",
            "Synchronise with a standard time source by NTP (chrony or systemd-timesyncd, at least daily).");
    return v;
}

Verdict incident_contact(const Facts& facts) {
    const auto& a = facts.config.alerts;
    Verdict v;
    v.config_keys = {"alerts.enabled", "alerts.webhook", "alerts.facilities"};
    v.tests = {"tests/integration/test_alerts.py::test_a_burst_of_failures_alerts_once_per_window",
               "tests/integration/test_alerts.py::test_a_session_crossover_alerts_once"};
    if (!a.enabled || a.webhook.empty()) {
        v.answer = Answer::no;
        say(v.remarks, a.enabled ? "通報先（alerts.webhook）がない: 通報はログと監査証跡のみ。" : "通報は無効（alerts.enabled: false）。",
            a.enabled ? "No alert receiver (alerts.webhook): alerts go to the log and the audit trail only."
                      : "Alerts are disabled (alerts.enabled: false).");
        say(v.remedy, "alerts.enabled: true とし、alerts.webhook に運用者の通報先を指定する。",
            "Set alerts.enabled: true and alerts.webhook to the operators' receiver.");
        return v;
    }
    say(v.remarks,
        "認証失敗の集中、セッションの回り込み、失効証明書の利用、ロックアウト、非常時アカウント、パスワードスプレー等を webhook で"
        "即時通報する。施設ごとの通報先 " + count(a.facility_webhooks.size()) + " 件。無効にした規則: " +
            (a.disabled_rules.empty() ? std::string("なし") : join(a.disabled_rules, ", ")) + "。",
        "Bursts of authentication failures, session cross-over, use of revoked certificates, lockouts, emergency "
        "accounts, password spraying and more are sent at once to the webhook. Facility receivers: " +
            count(a.facility_webhooks.size()) + ". Disabled rules: " +
            (a.disabled_rules.empty() ? std::string("none") : join(a.disabled_rules, ", ")) + ".");
    return v;
}

Verdict maintenance_log(const Facts& facts) {
    Verdict v;
    v.config_keys = {"audit.file", "admin.api"};
    v.tests = {"tests/integration/test_audit_feeds.py::test_administration_with_sekishoctl_reaches_the_trail",
               "tests/integration/test_admin_api.py::test_an_operator_suspends_a_terminal_and_the_ledger_names_them"};
    say(v.remarks,
        "管理 API の呼び出し（admin.api_call / admin.api_refused）とホスト上の sekishoctl による変更は、実行者（admin:ID、local:OS 利用者）"
        "とともに台帳と監査証跡に記録する。",
        "Administration API calls (admin.api_call / admin.api_refused) and changes made with sekishoctl on the host "
        "are recorded with who made them (admin:ID, local:OS user) in the ledger and the audit trail.");
    return needs_audit(std::move(v), facts);
}

Verdict maintenance_record(const Facts& facts) {
    Verdict v;
    v.config_keys = {"audit.file", "registry"};
    v.tests = {kTrail + "test_4_search_and_export_for_an_investigation",
               "tests/integration/test_device_cli.py::test_lifecycle_and_ledger"};
    say(v.remarks,
        "管理操作の記録は sekishoctl audit export（期間・インシデント単位で封印して書き出し）と sekishoctl device/user ledger で提供できる。",
        "Records of administrative work can be handed over with sekishoctl audit export (a sealed export of a "
        "period or an incident) and sekishoctl device/user ledger.");
    v = needs_audit(std::move(v), facts);
    if (!facts.config.registry.configured()) {
        v.answer = Answer::no;
        say(v.remedy, "registry.sqlite または registry.postgresql を設定する（台帳）。",
            "Configure registry.sqlite or registry.postgresql (the ledger).");
    }
    return v;
}

Verdict backup_generations(const Facts& facts) {
    Verdict v;
    v.config_keys = {"backup.dir", "backup.max_age"};
    v.tests = {kBackup + "test_6_generations_beyond_keep_are_pruned_and_failed_ones_removed",
               kBackup + "test_1_the_generation_lists_every_file_and_holds_no_key_in_the_clear"};
    const bool sound = backup_sound(v, facts);
    if (sound && facts.backups->complete_generations < 2) {
        say(v.remedy, "2 世代以上を保つ（sekishoctl backup prune --keep 10）。", "Keep two or more generations (sekishoctl backup prune --keep 10).");
        v.answer = Answer::no;
    } else if (!sound) {
        v.answer = Answer::no;
    }
    return v;
}

Verdict restore(const Facts& facts) {
    Verdict v;
    v.config_keys = {"backup.dir", "backup.max_age"};
    v.tests = {kBackup + "test_2_destroyed_installation_restored_admits_the_same_terminal_and_user",
               kBackup + "test_3_a_changed_or_added_file_fails_verify_by_its_name"};
    say(v.remarks,
        "sekishoctl backup restore は検証してから空の保存先にだけ復元する。復元後も同じ端末・利用者が利用でき、監査証跡の連鎖は続く。",
        "sekishoctl backup restore verifies first and restores into an empty target only; afterwards the same "
        "terminals and users get in, and the audit chain continues.");
    if (!backup_sound(v, facts)) v.answer = Answer::no;
    return v;
}

} // namespace sekisho::disclosure::checks
