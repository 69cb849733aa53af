// The review report as one JSON document for other tools: the lists of ReviewReport with
// typed values (Unix seconds for times, null for never, numbers as numbers), keys as in the
// CSV sections.
#pragma once

#include "review/review_report.hpp"

#include <string>

namespace sekisho::review {

std::string render_json(const ReviewReport& report);

} // namespace sekisho::review
