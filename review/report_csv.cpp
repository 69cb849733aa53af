#include "review/report_csv.hpp"

#include "review/report_tables.hpp"
#include "pki/printable.hpp"

namespace sekisho::review {

std::string csv_field(std::string_view cell) {
    std::string text = pki::valid_utf8(cell);
    // OWASP's CSV injection rule: a spreadsheet would evaluate these as a formula (a display
    // name "=HYPERLINK(...)" typed by anyone who may name an account or a terminal).
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
        text.insert(text.begin(), '\'');
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string csv_record(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    return out + "\r\n";
}

std::string render_csv(const ReviewReport& report) {
    std::string out = "\xEF\xBB\xBF";
    out += csv_record({"report", "generated_at_jst", "registry", "days", "expiry_days"});
    out += csv_record({"periodic_review", jst_minutes(report.generated_at), report.registry,
                       std::to_string(report.options.days), std::to_string(report.options.expiry_days)});
    if (const auto notes = report_notes(report); !notes.empty()) {
        out += "\r\n" + csv_record({"section", "notes", "注意 / Notes"});
        out += csv_record({"ja", "en"});
        for (const auto& note : notes) out += csv_record({note.ja, note.en});
    }
    for (const auto& table : report_tables(report)) {
        out += "\r\n" + csv_record({"section", table.key, table.ja + " / " + table.en});
        std::vector<std::string> header;
        for (const auto& column : table.columns) header.push_back(column.key);
        out += csv_record(header);
        for (const auto& row : table.rows) out += csv_record(row);
    }
    return out;
}

} // namespace sekisho::review
