// The self-disclosure's answers derived from several configurations (issue 17 acceptance):
// each change of configuration turns exactly the items it concerns, with their 備考 and the
// "how to turn it into はい".
#include "disclosure/catalog.hpp"
#include "disclosure/evaluate.hpp"
#include "disclosure/policy.hpp"
#include "disclosure/render_json.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

using namespace sekisho;
using namespace sekisho::disclosure;

namespace {

// The demo's shape: TLS 1.3, a CRL, a SQLite registry, one route with login, audit sealed,
// alerts to a webhook, an enrollment listener, break-glass enabled, a fresh verified backup.
Facts good_facts() {
    Facts f;
    auto& c = f.config;
    c.source_file = "/etc/sekisho/sekisho.yaml";
    c.listen = {"0.0.0.0", 8443};
    c.tls.crl = {"/etc/sekisho/device-ca.crl"};
    c.registry.sqlite = "/var/lib/sekisho/registry.db";
    config::Route route;
    route.name = "emr";
    route.login = true;
    route.upstream = {"http", "127.0.0.1", 9000, "http://127.0.0.1:9000"};
    c.routes.push_back(route);
    c.audit.file = "/var/log/sekisho/audit.jsonl";
    c.audit.seal_key = "/etc/sekisho/audit-seal.key";
    c.alerts.webhook = "https://alerts.example.jp/hook";
    c.enrollment.listen = config::Endpoint{"0.0.0.0", 8444};
    c.auth.break_glass.enabled = true;
    c.backup = config::BackupConfig{"/var/backups/sekisho", std::chrono::seconds(48 * 3600)};
    c.registry.postgresql = config::PostgresqlConfig{};
    c.registry.sqlite.clear();
    c.auth.sessions.store = config::SessionStoreKind::redis;
    f.now = 1'796'000'000;
    f.registry = RegistryFacts{};
    f.registry->devices_active = 12;
    f.registry->administrators = 2;
    f.failures = FailureFacts{};
    f.failures->login_failures = 7;
    f.clock = ClockFacts{true, 1500};
    f.backups = BackupFacts{"/var/backups/sekisho", 3, "2026-12-07T020000+0900", 6 * 3600, true, {}};
    f.audit_file = AuditFileFacts{true, 0600};
    return f;
}

std::map<std::string, Entry> by_id(const Document& d) {
    std::map<std::string, Entry> out;
    for (const auto& e : d.entries) out[e.item.id] = e;
    return out;
}

std::set<std::string> ids_answered(const Document& d, Answer answer) {
    std::set<std::string> out;
    for (const auto& e : d.entries)
        if (e.answer == answer) out.insert(e.item.id);
    return out;
}

// The items whose answer differs between two documents.
std::set<std::string> changed(const Document& a, const Document& b) {
    std::set<std::string> out;
    for (std::size_t i = 0; i < a.entries.size(); ++i)
        if (a.entries[i].answer != b.entries[i].answer) out.insert(a.entries[i].item.id);
    return out;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("the catalog holds every item of both lists of the guideline's annex, once", "[disclosure]") {
    std::set<std::string> ids;
    std::size_t mds = 0, sds = 0;
    for (const auto& item : catalog()) {
        const auto ref = item_ref(item);
        CHECK(ids.insert(ref.id).second);
        (ref.list == "MDS" ? mds : sds)++;
        if (item.check == Check::outside) CHECK(std::string(item.outside_ja).size() > 10);
    }
    CHECK(mds == 41);
    CHECK(sds == 58);
    CHECK(ids.count("SDS No.59/60/61/62/63"));
    CHECK(ids.count("MDS No.12.3.1.1"));
    CHECK(ids.count("SDS No.17.1.2"));
}

TEST_CASE("a policy names an item by any number it combines, in any spelling of the list", "[disclosure]") {
    ItemRef ref;
    for (const auto& item : catalog())
        if (item_ref(item).id == "SDS No.59/60/61/62/63") ref = item_ref(item);
    CHECK(names_item("SDS No.60", ref));
    CHECK(names_item("sds 63", ref));
    CHECK(names_item("SDS No.59/60/61/62/63", ref));
    CHECK_FALSE(names_item("MDS No.60", ref));
    CHECK_FALSE(names_item("SDS No.6", ref));
}

TEST_CASE("a well configured gateway answers every item yes or not applicable", "[disclosure]") {
    const auto document = build_document(good_facts());
    CHECK(document.entries.size() == 99);
    CHECK(ids_answered(document, Answer::no).empty());
    const auto entries = by_id(document);
    const auto& transport = entries.at("MDS No.12.3.1.1");
    CHECK(transport.answer == Answer::yes);
    CHECK(contains(transport.remarks.ja, "TLS 1.3 のみ"));
    CHECK(contains(transport.remarks.en, "TLS_AES_256_GCM_SHA384"));
    CHECK(transport.remedy.empty());
    CHECK_FALSE(transport.tests.empty());
    CHECK(entries.at("MDS No.28").answer == Answer::not_applicable);
    CHECK(contains(entries.at("SDS No.17.1").remarks.ja, "直近 30 日: ログイン失敗 7 件"));
}

TEST_CASE("the TLS 1.2 high-security profile stays yes and lists its suites", "[disclosure]") {
    auto facts = good_facts();
    const auto before = build_document(facts);
    facts.config.tls.profile = config::TlsProfile::tls12_high_security;
    const auto after = build_document(facts);
    CHECK(changed(before, after).empty());
    const auto e = by_id(after).at("SDS No.59/60/61/62/63");
    CHECK(e.answer == Answer::yes);
    CHECK(contains(e.remarks.ja, "TLS 1.2 は CRYPTREC 高セキュリティ型"));
    CHECK(contains(e.remarks.en, "ECDHE-ECDSA-AES128-GCM-SHA256"));
    CHECK_FALSE(contains(by_id(before).at("SDS No.59/60/61/62/63").remarks.en, "ECDHE-ECDSA"));
}

TEST_CASE("a certificate-only route turns two-factor, identification and the unattended terminal into no", "[disclosure]") {
    auto facts = good_facts();
    const auto before = build_document(facts);
    config::Route kiosk;
    kiosk.name = "kiosk";
    kiosk.login = false;
    kiosk.upstream = {"http", "127.0.0.1", 9001, "http://127.0.0.1:9001"};
    facts.config.routes.push_back(kiosk);
    const auto after = build_document(facts);
    CHECK(changed(before, after) == std::set<std::string>{"MDS No.3", "MDS No.4.1", "MDS No.14", "SDS No.17.1"});
    const auto e = by_id(after).at("SDS No.17.1");
    CHECK(contains(e.remarks.ja, "kiosk"));
    CHECK(contains(e.remedy.ja, "経路 kiosk の login: false を削除"));
    CHECK(contains(e.remedy.en, "Remove login: false from route(s) kiosk"));
}

TEST_CASE("break-glass disabled: emergency accounts no, their procedure and end not applicable", "[disclosure]") {
    auto facts = good_facts();
    const auto before = build_document(facts);
    facts.config.auth.break_glass.enabled = false;
    const auto after = build_document(facts);
    CHECK(changed(before, after) ==
          std::set<std::string>{"MDS No.11", "SDS No.57", "SDS No.57.1", "SDS No.57.1/57.2", "SDS No.57.3"});
    const auto entries = by_id(after);
    CHECK(entries.at("MDS No.11").answer == Answer::no);
    CHECK(contains(entries.at("MDS No.11").remedy.ja, "auth.break_glass.enabled: true"));
    CHECK(entries.at("SDS No.57.3").answer == Answer::not_applicable);
    CHECK(entries.at("SDS No.57.3").remedy.empty());
    // Stand-in terminals still get temporary credentials: the fallback stays yes.
    CHECK(entries.at("MDS No.4.1.2").answer == Answer::yes);
}

TEST_CASE("audit off turns every record item into no, saying to set audit.file", "[disclosure]") {
    auto facts = good_facts();
    const auto before = build_document(facts);
    facts.config.audit.file.clear();
    facts.config.audit.seal_key.clear();
    facts.audit_file.reset();
    facts.failures.reset();
    const auto after = build_document(facts);
    CHECK(changed(before, after) == std::set<std::string>{"MDS No.4.3", "MDS No.25", "MDS No.4.3.2", "SDS No.17.3/17.4",
                                                          "SDS No.17.3.2", "SDS No.48", "SDS No.40", "SDS No.57.1",
                                                          "SDS No.57.1/57.2"});
    const auto e = by_id(after).at("MDS No.4.3");
    CHECK(contains(e.remarks.ja, "監査証跡なし"));
    CHECK(contains(e.remedy.ja, "audit.file を設定する"));
    CHECK(contains(e.remedy.en, "Set audit.file"));
}

TEST_CASE("backups: none configured, too old, unverified, or a single generation are no", "[disclosure]") {
    auto facts = good_facts();
    facts.config.backup.reset();
    facts.backups.reset();
    auto entries = by_id(build_document(facts));
    CHECK(entries.at("SDS No.58.1/58.2").answer == Answer::no);
    CHECK(entries.at("MDS No.26").answer == Answer::no);
    CHECK(contains(entries.at("MDS No.26").remedy.ja, "backup.dir を設定"));

    facts = good_facts();
    facts.backups->newest_age = 50 * 3600;
    entries = by_id(build_document(facts));
    CHECK(entries.at("SDS No.58.3").answer == Answer::no);
    CHECK(contains(entries.at("SDS No.58.3").remedy.en, "older than 48 h"));

    facts = good_facts();
    facts.backups->verified = false;
    facts.backups->problems = {"registry.db: SHA-256 differs"};
    entries = by_id(build_document(facts));
    CHECK(entries.at("SDS No.100").answer == Answer::no);
    CHECK(contains(entries.at("SDS No.100").remarks.en, "registry.db: SHA-256 differs"));

    facts = good_facts();
    facts.backups->complete_generations = 1;
    entries = by_id(build_document(facts));
    CHECK(entries.at("SDS No.58.1/58.2").answer == Answer::no);
    CHECK(entries.at("SDS No.58.3").answer == Answer::yes);
}

TEST_CASE("an unsynchronised clock, a plain remote upstream and a world-readable trail are no", "[disclosure]") {
    auto facts = good_facts();
    facts.clock->synchronized = false;
    auto entries = by_id(build_document(facts));
    CHECK(entries.at("MDS No.5").answer == Answer::no);
    CHECK(contains(entries.at("SDS No.18").remedy.ja, "NTP"));

    facts = good_facts();
    facts.config.routes[0].upstream = {"http", "10.0.0.5", 80, "http://10.0.0.5"};
    const auto changed_items = changed(build_document(good_facts()), build_document(facts));
    CHECK(changed_items == std::set<std::string>{"MDS No.12.2", "SDS No.51.4/53.8", "SDS No.64", "SDS No.65", "SDS No.67"});
    CHECK(contains(by_id(build_document(facts)).at("SDS No.65").remedy.en, "https://"));

    facts = good_facts();
    facts.audit_file->mode = 0644;
    entries = by_id(build_document(facts));
    CHECK(entries.at("MDS No.4.3.2").answer == Answer::no);
    CHECK(contains(entries.at("MDS No.4.3.2").remedy.ja, "chmod o-rwx"));
}

TEST_CASE("every no carries a remedy and every answered item its evidence", "[disclosure]") {
    Facts bare; // nothing configured at all
    bare.config.listen = {"0.0.0.0", 8443};
    const auto document = build_document(bare);
    for (const auto& e : document.entries) {
        INFO(e.item.id);
        if (e.answer == Answer::no) {
            CHECK_FALSE(e.remedy.ja.empty());
            CHECK_FALSE(e.remedy.en.empty());
        }
        if (e.answer != Answer::not_applicable) CHECK_FALSE(e.config_keys.empty());
        CHECK_FALSE(e.remarks.ja.empty());
        CHECK_FALSE(e.remarks.en.empty());
    }
    CHECK(ids_answered(document, Answer::no).size() > 20);
}

TEST_CASE("a policy reports exactly the items and limits it is not met on", "[disclosure]") {
    auto facts = good_facts();
    facts.config.auth.break_glass.enabled = false;
    const auto document = build_document(facts);
    const std::string file = "disclosure_policy_test.yaml";
    std::ofstream(file) << "name: test hospital\n"
                           "answers:\n"
                           "  \"MDS No.11\": [yes, not_applicable]\n"
                           "  \"SDS No.60\": はい\n"
                           "limits:\n"
                           "  session_idle_timeout: {max: 10m}\n"
                           "  lockout_max_failures: {max: 5}\n"
                           "  tls_profile: [tls13]\n";
    const auto policy = load_policy(file);
    const auto differences = check_policy(policy, document, facts);
    REQUIRE(differences.size() == 2);
    CHECK(differences[0].subject == "MDS No.11");
    CHECK(differences[1].subject == "limit session_idle_timeout");
    CHECK(differences[1].required.en == "at most 10 min");
    CHECK(contains(differences[1].actual.en, "15 min"));

    std::ofstream(file) << "answers:\n  \"MDS No.999\": yes\n";
    CHECK_THROWS_WITH(load_policy(file), Catch::Contains("disclosure_policy_test.yaml:2") && Catch::Contains("names no item"));
    std::ofstream(file) << "limits:\n  idle: {max: 10m}\n";
    CHECK_THROWS_WITH(load_policy(file), Catch::Contains("is not a limit this checker knows"));
    std::ofstream(file) << "answers:\n  default: maybe\n";
    CHECK_THROWS_WITH(load_policy(file), Catch::Contains("'maybe' is not yes, no or not_applicable"));
    std::remove(file.c_str());
}
