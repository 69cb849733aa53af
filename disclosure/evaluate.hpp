// The answers: the document as a pure function of the facts (facts.hpp), one entry per item
// of the catalog, in its order.
#pragma once

#include "disclosure/catalog.hpp"
#include "disclosure/document.hpp"
#include "disclosure/facts.hpp"

namespace sekisho::disclosure {

// What one check concluded, before it is attached to the items it answers.
struct Verdict {
    Answer answer = Answer::yes;
    Text remarks;
    Text remedy;
    std::vector<std::string> config_keys;
    std::vector<std::string> tests;
};

Verdict evaluate(Check check, const Facts& facts);

Document build_document(const Facts& facts);

// Shown when answering a check: "15分" / "15 min", "10時間" / "10 h", "1827日" / "1827 d".
Text duration_text(std::chrono::seconds value);

// The idle limit above which an unattended terminal counts as unprotected (REQUIREMENTS §3).
inline constexpr std::chrono::seconds kMaxIdleTimeout{15 * 60};
// An emergency period longer than this is no longer "ends after normal operation resumes".
inline constexpr std::chrono::seconds kMaxBreakGlassPeriod{24 * 3600};

} // namespace sekisho::disclosure
