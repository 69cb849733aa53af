#include "disclosure/render_csv.hpp"

#include "review/report_csv.hpp"

#include <string_view>
#include <vector>

namespace sekisho::disclosure {

namespace {

using review::csv_record;

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) out += (out.empty() ? "" : "; ") + value;
    return out;
}

} // namespace

std::string render_csv(const Document& document, Lang lang) {
    const Lang other = lang == Lang::ja ? Lang::en : Lang::ja;
    const std::string suffix = lang == Lang::ja ? "_ja" : "_en";
    const std::string other_suffix = lang == Lang::ja ? "_en" : "_ja";
    std::string out = "\xEF\xBB\xBF";
    out += csv_record({"list", "number", "section" + suffix, "question" + suffix, "question" + other_suffix,
                       "answer" + suffix, "answer_key", "remarks" + suffix, "remedy" + suffix, "config_keys",
                       "tests"});
    for (const auto& entry : document.entries) {
        const auto answer = lang == Lang::ja ? answer_ja(entry.answer) : answer_en(entry.answer);
        out += csv_record({entry.item.list, entry.item.number, entry.item.section.in(lang),
                           entry.item.question.in(lang), entry.item.question.in(other), std::string(answer),
                           std::string(answer_key(entry.answer)), entry.remarks.in(lang), entry.remedy.in(lang),
                           joined(entry.config_keys), joined(entry.tests)});
    }
    return out;
}

} // namespace sekisho::disclosure
