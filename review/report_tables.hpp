// The review report as tables of text, the one shape every printed format renders (text,
// CSV, HTML): each list with its heading in Japanese and English, its columns (a stable key
// for machines, labels in both languages for people) and its cells, times in JST. The JSON
// format renders ReviewReport itself, with typed values (report_json.hpp).
#pragma once

#include "review/review_report.hpp"

#include <string>
#include <vector>

namespace sekisho::review {

struct Column {
    std::string key; // snake_case, the CSV header
    std::string ja, en;
};

struct ReportTable {
    std::string key; // "inactive_users", …
    std::string ja, en; // the heading
    std::vector<Column> columns;
    std::vector<std::vector<std::string>> rows; // one cell per column
};

// A finding that needs no table to be seen (e.g. fewer than two active admins).
struct ReportNote {
    std::string ja, en;
};

// "2026-11-22 13:05" (JST): the report says once that its times are Japan time.
std::string jst_minutes(UnixSeconds t);

std::vector<ReportTable> report_tables(const ReviewReport& report);
std::vector<ReportNote> report_notes(const ReviewReport& report);

} // namespace sekisho::review
