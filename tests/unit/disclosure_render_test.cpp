// The self-disclosure's printable page and CSV as pure functions of a Document: both
// languages of every question whatever the chosen language, the chosen one first, the answers
// and the remedy of a いいえ, the JST time and the configuration's digest, the row ids; every
// remark escaped in the page and formula-guarded in the CSV (RFC 4180, BOM, CRLF).
#include "disclosure/render_csv.hpp"
#include "disclosure/render_html.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sekisho::disclosure;

namespace {

const std::string kSha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Entry entry(const std::string& list, const std::string& number, Text section, Text question, Answer answer,
            Text remarks, Text remedy = {}, std::vector<std::string> keys = {}, std::vector<std::string> tests = {}) {
    Entry e;
    e.item.list = list;
    e.item.number = number;
    e.item.id = list + " " + number;
    e.item.section = std::move(section);
    e.item.question = std::move(question);
    e.answer = answer;
    e.remarks = std::move(remarks);
    e.remedy = std::move(remedy);
    e.config_keys = std::move(keys);
    e.tests = std::move(tests);
    return e;
}

Document document() {
    Document d;
    d.version = "1.4.0";
    d.generated_at = "2026-12-07T12:34:56+09:00";
    d.generated_unix = 1796614496;
    d.source = "sekishoctl";
    d.config_file = "/etc/sekisho/sekisho.yaml";
    d.config_sha256 = kSha;
    const Text auth{"14. 認証・認可に関する安全管理措置", "14. Authentication and authorisation"};
    d.entries.push_back(entry("MDS", "No.4.1", auth, {"利用者を識別・認証する機能を有するか", "Does it identify and authenticate users"},
                              Answer::yes, {"クライアント証明書 <script>&\" で認証", "Client certificate <script>&\" authenticates"},
                              {}, {"tls.client_ca", "auth.two_factor"},
                              {"tests/integration/test_login_sessions.py::test_login", "tests/unit/x_test.cpp: A, B"}));
    d.entries.push_back(entry("MDS", "No.12.3.1.1", auth, {"二要素認証を採用しているか", "Is two-factor authentication used"},
                              Answer::no, {"パスワードのみ", "Password only"},
                              {"auth.two_factor: true を設定する", "Set auth.two_factor: true"}, {"auth.two_factor"}));
    d.entries.push_back(entry("SDS", "No.57.3", {"20. 記録媒体の管理", "20. Media"},
                              {"記録媒体を暗号化しているか", "Are media encrypted"}, Answer::not_applicable,
                              {"=HYPERLINK(\"x\"),端末の対策", "-a terminal measure, not\nthe gateway's"}));
    d.entries.push_back(entry("SDS", "No.59/60/61/62/63", {"21. 冗長化", "21. Redundancy"},
                              {"冗長化しているか", "Is it redundant"}, Answer::yes, {"2 台構成", "Two gateways"}));
    return d;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + needle.size())) ++n;
    return n;
}

std::vector<std::string> lines(const std::string& csv) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (auto at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", start)) {
        out.push_back(csv.substr(start, at - start));
        start = at + 2;
    }
    if (start < csv.size()) out.push_back(csv.substr(start));
    return out;
}

} // namespace

TEST_CASE("disclosure html holds both languages of every question whatever the language", "[disclosure]") {
    const auto d = document();
    for (const auto lang : {Lang::ja, Lang::en}) {
        const auto html = render_html(d, lang);
        for (const auto& e : d.entries) {
            CHECK(html.find(e.item.question.ja) != std::string::npos);
            CHECK(html.find(e.item.question.en) != std::string::npos);
            CHECK(html.find(e.item.section.ja) != std::string::npos);
        }
        CHECK(html.find("はい") != std::string::npos);
        CHECK(html.find("いいえ") != std::string::npos);
        CHECK(html.find("対象外") != std::string::npos);
        CHECK(html.find("MDS における確認事項") != std::string::npos);
        CHECK(html.find("SDS における確認事項") != std::string::npos);
    }
}

TEST_CASE("disclosure html shows the header block and the remedy of a no", "[disclosure]") {
    const auto html = render_html(document(), Lang::ja);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<html lang=\"ja\">") != std::string::npos);
    CHECK(html.find("医療情報セキュリティ開示書（MDS/SDS）— 認証ゲートウェイ Sekisho") != std::string::npos);
    CHECK(html.find("Security disclosure (MDS/SDS) — Sekisho authentication gateway") != std::string::npos);
    CHECK(html.find("2026-12-07 12:34:56 JST") != std::string::npos);
    CHECK(html.find(kSha) != std::string::npos);
    CHECK(html.find("1.4.0") != std::string::npos);
    CHECK(html.find("/etc/sekisho/sekisho.yaml") != std::string::npos);
    CHECK(html.find("未署名") != std::string::npos);
    CHECK(html.find("unsigned") != std::string::npos);
    CHECK(html.find("はい にするには: ") != std::string::npos);
    CHECK(html.find("auth.two_factor: true を設定する") != std::string::npos);
    CHECK(html.find("To make it yes: Set auth.two_factor: true") != std::string::npos);
    CHECK(html.find("tests/integration/test_login_sessions.py::test_login") != std::string::npos);
    CHECK(html.find("このページは sekishoctl disclose が設定・登録簿・記録から生成した") != std::string::npos);
    CHECK(html.find("@page { size: A4 portrait; margin: 12mm; }") != std::string::npos);
    CHECK(html.find("Noto Sans CJK JP") != std::string::npos);
    // No script, no external resource.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("href=") == std::string::npos);
}

TEST_CASE("disclosure html names a signing key when there is one", "[disclosure]") {
    auto d = document();
    d.signing_key = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    const auto html = render_html(d, Lang::en);
    CHECK(html.find("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs") != std::string::npos);
    CHECK(html.find("unsigned") == std::string::npos);
}

TEST_CASE("disclosure html escapes remarks", "[disclosure]") {
    const auto html = render_html(document(), Lang::ja);
    CHECK(html.find("<script>") == std::string::npos);
    CHECK(html.find("クライアント証明書 &lt;script&gt;&amp;&quot; で認証") != std::string::npos);
    CHECK(html.find("Client certificate &lt;script&gt;&amp;&quot; authenticates") != std::string::npos);
}

TEST_CASE("disclosure html gives each row an id and its answer", "[disclosure]") {
    const auto html = render_html(document(), Lang::ja);
    CHECK(html.find("id=\"MDS-No.4.1\" data-answer=\"yes\"") != std::string::npos);
    CHECK(html.find("id=\"MDS-No.12.3.1.1\" data-answer=\"no\"") != std::string::npos);
    CHECK(html.find("id=\"SDS-No.57.3\" data-answer=\"not_applicable\"") != std::string::npos);
    CHECK(html.find("id=\"SDS-No.59_60_61_62_63\" data-answer=\"yes\"") != std::string::npos);
    CHECK(count(html, "data-answer=") == 4);
    // One section row per change of section: MDS shares one, SDS has two.
    CHECK(count(html, "<tr class=\"section\">") == 3);
}

TEST_CASE("disclosure html puts the chosen language first", "[disclosure]") {
    const auto d = document();
    const auto ja = render_html(d, Lang::ja);
    const auto en = render_html(d, Lang::en);
    CHECK(en.find("<html lang=\"en\">") != std::string::npos);
    for (const auto& e : d.entries) {
        CHECK(ja.find(e.item.question.ja) < ja.find(e.item.question.en));
        CHECK(en.find(e.item.question.en) < en.find(e.item.question.ja));
    }
    CHECK(en.find("To make it yes: </span>Set auth.two_factor: true") < en.find("はい にするには: auth.two_factor"));
    CHECK(en.find("Generated by sekishoctl disclose from the configuration, the registry and the records") !=
          std::string::npos);
}

TEST_CASE("disclosure csv is a BOM, a header and a CRLF record per entry", "[disclosure]") {
    const auto d = document();
    const auto csv = render_csv(d, Lang::ja);
    REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(csv.size() >= 2);
    CHECK(csv.substr(csv.size() - 2) == "\r\n");
    CHECK(count(csv, "\n") == count(csv, "\r\n")); // no bare LF: the Japanese remarks have none
    const auto records = lines(csv.substr(3));
    REQUIRE(records.size() == 1 + d.entries.size());
    CHECK(records[0] == "list,number,section_ja,question_ja,question_en,answer_ja,answer_key,remarks_ja,remedy_ja,"
                        "config_keys,tests");
    CHECK(records[1].rfind("MDS,No.4.1,14. 認証・認可に関する安全管理措置,利用者を識別・認証する機能を有するか,"
                           "Does it identify and authenticate users,はい,yes,", 0) == 0);
    // A remark with a quote: quoted, quotes doubled.
    CHECK(records[1].find(",\"クライアント証明書 <script>&\"\" で認証\",") != std::string::npos);
    CHECK(records[1].find(",tls.client_ca; auth.two_factor,") != std::string::npos);
    // A test name with a comma: quoted.
    CHECK(records[1].find(",\"tests/integration/test_login_sessions.py::test_login; tests/unit/x_test.cpp: A, B\"") !=
          std::string::npos);
    CHECK(records[2].find(",いいえ,no,パスワードのみ,auth.two_factor: true を設定する,auth.two_factor,") !=
          std::string::npos);
    CHECK(records[4].rfind("SDS,No.59/60/61/62/63,", 0) == 0);
}

TEST_CASE("disclosure csv guards a formula and quotes a newline", "[disclosure]") {
    const auto d = document();
    const auto ja = render_csv(d, Lang::ja);
    CHECK(ja.find(",対象外,not_applicable,\"'=HYPERLINK(\"\"x\"\"),端末の対策\",") != std::string::npos);
    CHECK(ja.find(",=HYPERLINK") == std::string::npos);
    const auto en = render_csv(d, Lang::en);
    CHECK(en.find("list,number,section_en,question_en,question_ja,answer_en,answer_key,remarks_en,remedy_en,") !=
          std::string::npos);
    // Every LF ends a CRLF record but the one inside the quoted English remark.
    CHECK(count(en, "\n") == count(en, "\r\n") + 1);
    CHECK(count(en, "\r\n") == 1 + d.entries.size());
    CHECK(en.find(",n/a,not_applicable,\"'-a terminal measure, not\nthe gateway's\",") != std::string::npos);
    CHECK(en.find(",no,Password only,Set auth.two_factor: true,") != std::string::npos);
}
