#include "review/report_html.hpp"

#include "review/report_tables.hpp"
#include "codec/html_escape.hpp"
#include "codec/jst_time.hpp"
#include "pki/printable.hpp"

#include <chrono>

namespace sekisho::review {

namespace {

// Inline, for print: A4 landscape, table headers repeated on every page, no row split.
constexpr const char* kStyle = R"(
body { font-family: "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", Meiryo, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.3em; }
h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #888; page-break-after: avoid; }
.en { color: #555; font-weight: normal; font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; font-size: 0.8em; }
th, td { border: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
table.meta { width: auto; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.note { border: 2px solid #b00; padding: 0.4em 0.6em; margin: 0.8em 0; }
.none { color: #555; font-style: italic; }
footer { margin-top: 2em; font-size: 0.75em; color: #555; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { margin: 0; } }
)";

std::string text(std::string_view s) {
    return codec::html_escape(pki::valid_utf8(s));
}

std::string both(const std::string& ja, const std::string& en, const char* between = " ") {
    return text(ja) + between + "<span class=\"en\">" + text(en) + "</span>";
}

std::string meta_row(const char* ja, const char* en, const std::string& value) {
    return "<tr><th>" + both(ja, en) + "</th><td>" + text(value) + "</td></tr>\n";
}

std::string section(const ReportTable& table) {
    std::string out = "<section id=\"" + text(table.key) + "\">\n<h2>" + both(table.ja, table.en) + "</h2>\n";
    if (table.rows.empty())
        return out + "<p class=\"none\">" + both("該当なし", "None") + "</p>\n</section>\n";
    out += "<table>\n<thead><tr>";
    for (const auto& column : table.columns) out += "<th>" + both(column.ja, column.en, "<br>") + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : table.rows) {
        out += "<tr>";
        for (const auto& cell : row) out += "<td>" + text(cell) + "</td>";
        out += "</tr>\n";
    }
    return out + "</tbody>\n</table>\n</section>\n";
}

} // namespace

std::string render_html(const ReviewReport& report) {
    const auto tables = report_tables(report);
    const auto generated = std::chrono::system_clock::time_point(std::chrono::seconds(report.generated_at));
    std::string out = "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<title>定期見直しレポート / Periodic review report</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<h1>" + both("定期見直しレポート", "Periodic review report") + "</h1>\n";
    out += "<table class=\"meta\">\n";
    out += meta_row("作成日時", "Generated", codec::jst_display(generated) + " JST");
    out += meta_row("レジストリ", "Registry", report.registry);
    out += meta_row("対象期間", "Period", std::to_string(report.options.days) + "日 / " +
                                           std::to_string(report.options.days) + " days");
    for (const auto& table : tables)
        out += "<tr><th>" + both(table.ja, table.en) + "</th><td>" + std::to_string(table.rows.size()) + "</td></tr>\n";
    out += "</table>\n<p>" +
           both("時刻はすべて日本時間（JST、UTC+09:00）です。", "All times are Japan time (JST, UTC+09:00).") +
           "</p>\n";
    for (const auto& note : report_notes(report))
        out += "<p class=\"note\">" + both(note.ja, note.en, "<br>") + "</p>\n";
    for (const auto& table : tables) out += section(table);
    out += "<footer>Sekisho — sekishoctl report review</footer>\n</body>\n</html>\n";
    return out;
}

} // namespace sekisho::review
