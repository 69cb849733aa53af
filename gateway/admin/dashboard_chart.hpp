// The dashboard's one picture: authentication failures per time bucket as an inline SVG
// bar chart (no script, no external image), with a readable label and a tooltip per bar.
#pragma once

#include "gateway/admin/dashboard_text.hpp"
#include "gateway/events/event_history.hpp"

#include <string>

namespace sekisho::gateway {

std::string render_failure_chart(const FailureSummary& failures, Lang lang);

} // namespace sekisho::gateway
