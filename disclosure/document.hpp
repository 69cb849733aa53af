// The self-disclosure (MDS/SDS, JIRA/JAHIS HS040) as data: one entry per item of the
// guideline's 【別紙】 lists, each answered はい / いいえ / 対象外 from the live state, with
// what is configured (備考), the evidence (configuration keys, the tests that exercise the
// behaviour) and, for every いいえ, the setting that would turn it into はい.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::disclosure {

enum class Answer { yes, no, not_applicable };

// "はい" / "いいえ" / "対象外", and "yes" / "no" / "n/a".
std::string_view answer_ja(Answer answer);
std::string_view answer_en(Answer answer);
// "yes" / "no" / "not_applicable": the JSON and the policy file spell it so.
std::string_view answer_key(Answer answer);

enum class Lang { ja, en };

// The same words in Japanese and in English.
struct Text {
    std::string ja;
    std::string en;
    const std::string& in(Lang lang) const { return lang == Lang::ja ? ja : en; }
    bool empty() const { return ja.empty() && en.empty(); }
};

// An item of the 【別紙】: "MDS No.4.1" or "SDS No.59/60/61/62/63".
struct ItemRef {
    std::string id;      // list + " " + number, the combined numbers without spaces
    std::string list;    // "MDS" or "SDS"
    std::string number;  // "No.4.1", "No.59/60/61/62/63"
    Text section;        // the guideline's section: "14. 認証・認可に関する安全管理措置"
    Text question;       // the checklist's own wording; English beside it
};

struct Entry {
    ItemRef item;
    Answer answer = Answer::not_applicable;
    Text remarks;  // 備考: what is configured, counted or measured
    Text remedy;   // for いいえ: the setting that turns it into はい (empty otherwise)
    std::vector<std::string> config_keys; // the keys the answer was derived from
    std::vector<std::string> tests;       // "tests/integration/test_x.py::test_y", "tests/unit/x_test.cpp: TEST NAME"
};

struct Summary {
    std::size_t yes = 0, no = 0, not_applicable = 0;
};

struct Document {
    std::string product = "Sekisho";
    std::string version;          // the gateway's version
    std::string generated_at;     // RFC 3339 in JST, "2026-12-07T12:34:56+09:00"
    std::int64_t generated_unix = 0;
    std::string source;           // "sekishoctl" or "gateway" (the live admin page)
    std::string config_file;
    std::string config_sha256;    // of the configuration file's bytes
    std::string signing_key;      // RFC 7638 thumbprint of the audit seal key; empty: unsigned
    std::vector<Entry> entries;   // the 【別紙】's order: MDS first, then SDS

    Summary summary() const;
};

} // namespace sekisho::disclosure
