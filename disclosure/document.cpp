#include "disclosure/document.hpp"

namespace sekisho::disclosure {

std::string_view answer_ja(Answer answer) {
    switch (answer) {
    case Answer::yes: return "はい";
    case Answer::no: return "いいえ";
    case Answer::not_applicable: break;
    }
    return "対象外";
}

std::string_view answer_en(Answer answer) {
    switch (answer) {
    case Answer::yes: return "yes";
    case Answer::no: return "no";
    case Answer::not_applicable: break;
    }
    return "n/a";
}

std::string_view answer_key(Answer answer) {
    switch (answer) {
    case Answer::yes: return "yes";
    case Answer::no: return "no";
    case Answer::not_applicable: break;
    }
    return "not_applicable";
}

Summary Document::summary() const {
    Summary out;
    for (const auto& entry : entries) {
        if (entry.answer == Answer::yes) ++out.yes;
        else if (entry.answer == Answer::no) ++out.no;
        else ++out.not_applicable;
    }
    return out;
}

} // namespace sekisho::disclosure
