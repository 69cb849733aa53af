#include "disclosure/render_html.hpp"

#include "codec/html_escape.hpp"
#include "codec/jst_time.hpp"
#include "pki/printable.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <vector>

namespace sekisho::disclosure {

namespace {

// Inline, for print: A4 portrait, the table header repeated on every page, no row split, a
// Japanese font first (fonts-noto-cjk), small enough type for 99 rows in a modest number of pages.
constexpr const char* kStyle = R"(
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, sans-serif; font-size: 9pt; margin: 1.5em; color: #111; }
h1 { font-size: 13pt; margin: 0 0 0.4em 0; }
h2 { font-size: 10.5pt; margin: 1.2em 0 0.3em 0; border-bottom: 1px solid #888; page-break-after: avoid; break-after: avoid; }
.en, .ja { color: #555; font-weight: normal; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: 1px 3px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
thead th { white-space: nowrap; }
table.meta { width: auto; font-size: 8pt; margin-bottom: 0.4em; }
table.meta td { font-family: "Noto Sans Mono CJK JP", "DejaVu Sans Mono", monospace; }
table.items { font-size: 7pt; line-height: 1.25; table-layout: fixed; }
col.number { width: 9%; } col.question { width: 30%; } col.answer { width: 8%; }
col.remarks { width: 32%; } col.evidence { width: 21%; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
tr.section th { background: #dde4ee; font-size: 1.05em; page-break-after: avoid; break-after: avoid; }
td.number { white-space: nowrap; }
td.answer { white-space: nowrap; }
td.answer.no { color: #b00; font-weight: bold; }
td.answer.no .en, td.answer.no .ja { color: #b00; }
tr.no td { background: #fff0f0; }
.remedy { margin-top: 2px; }
.remedy .label { font-weight: bold; color: #b00; }
td.evidence { font-size: 0.85em; color: #333; }
td.evidence div { margin: 0; }
td.evidence code { font-family: inherit; }
.summary-no { color: #b00; font-weight: bold; }
footer { margin-top: 1.5em; font-size: 7.5pt; color: #555; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { size: A4 portrait; margin: 12mm; }
@media print { body { margin: 0; } }
)";

std::string text(std::string_view s) {
    return codec::html_escape(pki::valid_utf8(s));
}

// The chosen language first, the other beside it in a smaller grey span of its own language.
class Words {
public:
    explicit Words(Lang lang) : lang_(lang) {}

    std::string operator()(const std::string& ja, const std::string& en, const char* between = " ") const {
        const bool japanese = lang_ == Lang::ja;
        return text(japanese ? ja : en) + between + secondary(japanese ? en : ja);
    }
    std::string operator()(const Text& t, const char* between = " ") const { return (*this)(t.ja, t.en, between); }

    // The other language's words alone, in their span (nothing when empty).
    std::string secondary(const std::string& words) const {
        if (words.empty()) return {};
        const char* other = lang_ == Lang::ja ? "en" : "ja";
        return std::string("<span class=\"") + other + "\" lang=\"" + other + "\">" + text(words) + "</span>";
    }

private:
    Lang lang_;
};

// "MDS-No.4.1", "SDS-No.59_60_61_62_63": usable as an id, a fragment and a CSS selector.
std::string row_id(const ItemRef& item) {
    std::string id = item.list + "-" + item.number;
    for (auto& c : id) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           c == '.' || c == '-' || c == '_';
        if (!plain) c = '_';
    }
    return id;
}

std::string generated_jst(const Document& document) {
    if (document.generated_unix != 0)
        return codec::jst_display(std::chrono::system_clock::time_point(std::chrono::seconds(document.generated_unix))) +
               " JST";
    return document.generated_at;
}

std::string meta_row(const Words& words, const char* ja, const char* en, const std::string& value) {
    return "<tr><th>" + words(ja, en) + "</th><td>" + value + "</td></tr>\n";
}

std::string evidence(const Words& words, const Entry& entry) {
    std::string out;
    if (!entry.config_keys.empty()) {
        out += "<div>" + words("設定", "Config", ": ");
        for (std::size_t i = 0; i < entry.config_keys.size(); ++i)
            out += (i ? ", " : " ") + std::string("<code>") + text(entry.config_keys[i]) + "</code>";
        out += "</div>";
    }
    if (!entry.tests.empty()) {
        // Grouped by file, in the order the files first appear: "test_x.py::a", "test_x.py::b"
        // print as "test_x.py::a · b" (the whole names, in less paper).
        struct File {
            std::string file, separator;
            std::vector<std::string> names;
        };
        std::vector<File> files;
        for (const auto& test : entry.tests) {
            std::string separator = "::";
            auto split = test.find(separator);
            if (split == std::string::npos) split = test.find(separator = ": ");
            File one{test, "", {}};
            if (split != std::string::npos) one = {test.substr(0, split), separator, {test.substr(split + 2)}};
            auto same = std::find_if(files.begin(), files.end(), [&](const File& f) {
                return !one.separator.empty() && f.file == one.file && f.separator == one.separator;
            });
            if (same == files.end()) files.push_back(std::move(one));
            else same->names.push_back(std::move(one.names.front()));
        }
        out += "<div>" + words("試験", "Tests", ": ") + "</div>";
        for (const auto& f : files) {
            out += "<div class=\"test\">" + text(f.file) + text(f.separator);
            for (std::size_t i = 0; i < f.names.size(); ++i) out += (i ? " · " : "") + text(f.names[i]);
            out += "</div>";
        }
    }
    return out;
}

std::string item_row(const Words& words, Lang lang, const Entry& entry) {
    const auto key = std::string(answer_key(entry.answer));
    const bool no = entry.answer == Answer::no;
    std::string out = "<tr id=\"" + text(row_id(entry.item)) + "\" data-answer=\"" + text(key) + "\"" +
                      (no ? " class=\"no\"" : "") + ">";
    out += "<td class=\"number\">" + text(entry.item.number) + "</td>";
    out += "<td class=\"question\">" + words(entry.item.question, "<br>") + "</td>";
    out += "<td class=\"answer " + key + "\">" +
           words(std::string(answer_ja(entry.answer)), std::string(answer_en(entry.answer)), "<br>") + "</td>";
    out += "<td class=\"remarks\">";
    if (!entry.remarks.empty()) out += "<div>" + words(entry.remarks, "<br>") + "</div>";
    if (no && !entry.remedy.empty()) {
        const bool japanese = lang == Lang::ja;
        const std::string& first = japanese ? entry.remedy.ja : entry.remedy.en;
        const std::string& second = japanese ? entry.remedy.en : entry.remedy.ja;
        out += "<div class=\"remedy\"><span class=\"label\">" +
               std::string(japanese ? "はい にするには: " : "To make it yes: ") + "</span>" + text(first) + "<br>" +
               words.secondary((japanese ? "To make it yes: " : "はい にするには: ") + second) + "</div>";
    }
    out += "</td>";
    out += "<td class=\"evidence\">" + evidence(words, entry) + "</td>";
    return out + "</tr>\n";
}

std::string list_table(const Words& words, Lang lang, const Document& document, const std::string& list) {
    std::string out = "<section id=\"" + text(list) + "\">\n<h2>" +
                      words(list + " における確認事項", "Items of the " + list) + "</h2>\n";
    out += "<table class=\"items\">\n<colgroup><col class=\"number\"><col class=\"question\"><col class=\"answer\">"
           "<col class=\"remarks\"><col class=\"evidence\"></colgroup>\n<thead><tr>";
    out += "<th>" + words("項番", "No.", "<br>") + "</th>";
    out += "<th>" + words("項目", "Item", "<br>") + "</th>";
    out += "<th>" + words("適合状況", "Answer", "<br>") + "</th>";
    out += "<th>" + words("備考", "Remarks", "<br>") + "</th>";
    out += "<th>" + words("根拠", "Evidence", "<br>") + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    const Text* section = nullptr;
    for (const auto& entry : document.entries) {
        if (entry.item.list != list) continue;
        const auto& s = entry.item.section;
        if (!s.empty() && (!section || section->ja != s.ja || section->en != s.en))
            out += "<tr class=\"section\"><th colspan=\"5\">" + words(s) + "</th></tr>\n";
        section = &s;
        out += item_row(words, lang, entry);
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_html(const Document& document, Lang lang) {
    const Words words(lang);
    const bool japanese = lang == Lang::ja;
    const std::string title_ja = "医療情報セキュリティ開示書（MDS/SDS）— 認証ゲートウェイ Sekisho";
    const std::string title_en = "Security disclosure (MDS/SDS) — Sekisho authentication gateway";
    const auto generated = generated_jst(document);

    std::string out = std::string("<!DOCTYPE html>\n<html lang=\"") + (japanese ? "ja" : "en") +
                      "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                      text(japanese ? title_ja + " / " + title_en : title_en + " / " + title_ja) + "</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<header>\n<h1>" + words(title_ja, title_en, "<br>") + "</h1>\n";

    out += "<table class=\"meta\">\n";
    out += meta_row(words, "作成日時", "Generated", text(generated));
    out += meta_row(words, "版", "Version", text(document.version));
    out += meta_row(words, "設定ファイル", "Configuration file", text(document.config_file));
    out += meta_row(words, "設定ファイルの SHA-256", "SHA-256 of the configuration", text(document.config_sha256));
    out += meta_row(words, "署名鍵の指紋", "Signing key fingerprint",
                    document.signing_key.empty() ? words("未署名", "unsigned", " / ") : text(document.signing_key));
    out += meta_row(words, "出力元", "Source", text(document.source));
    const auto summary = document.summary();
    const auto count = [&](Answer answer, std::size_t n) {
        return words(std::string(answer_ja(answer)), std::string(answer_en(answer))) + " " + std::to_string(n);
    };
    out += meta_row(words, "集計", "Summary",
                    count(Answer::yes, summary.yes) + " ／ <span class=\"summary-no\">" +
                        count(Answer::no, summary.no) + "</span> ／ " +
                        count(Answer::not_applicable, summary.not_applicable) +
                        (japanese ? "（" + std::to_string(document.entries.size()) + " 項目）"
                                  : " (" + std::to_string(document.entries.size()) + " items)"));
    out += "</table>\n<p>" +
           words("時刻はすべて日本時間（JST、UTC+09:00）です。いいえ の項目には、はい にするための設定を備考に示す。",
                 "All times are Japan time (JST, UTC+09:00). For every item answered no, the remarks give the "
                 "setting that makes it yes.") +
           "</p>\n</header>\n";

    // The lists in the order they first appear (MDS, then SDS).
    std::vector<std::string> lists;
    for (const auto& entry : document.entries) {
        bool seen = false;
        for (const auto& list : lists) seen = seen || list == entry.item.list;
        if (!seen) lists.push_back(entry.item.list);
    }
    for (const auto& list : lists) out += list_table(words, lang, document, list);

    const bool live = document.source == "gateway";
    out += "<footer>" + words("作成日時", "Generated", ": ") + " " + text(generated) + "<br>" +
           words(live ? "このページはゲートウェイが設定・登録簿・記録から生成した"
                      : "このページは sekishoctl disclose が設定・登録簿・記録から生成した",
                 live ? "Generated by the gateway from the configuration, the registry and the records"
                      : "Generated by sekishoctl disclose from the configuration, the registry and the records",
                 "<br>") +
           "</footer>\n</body>\n</html>\n";
    return out;
}

} // namespace sekisho::disclosure
