// The operations dashboard page (admin listener, GET /dashboard): authentication failures
// over time and by reason, facility, terminal and user; accounts locked now; recent events;
// terminals whose certificates expire soon; the clock's sync state; free disk space. Server-rendered HTML
// without script, every value escaped, in Japanese or English.
#pragma once

#include "gateway/admin/dashboard_registry.hpp"
#include "gateway/admin/dashboard_text.hpp"
#include "gateway/events/event_history.hpp"
#include "gateway/events/expiry_metrics.hpp"
#include "gateway/events/volume_watch.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::gateway {

enum class DashboardWindow { last_hour, last_day };

// ?window=1h (default) | 24h.
DashboardWindow parse_dashboard_window(std::string_view param);

struct DashboardData {
    std::chrono::system_clock::time_point now;
    DashboardWindow window = DashboardWindow::last_hour;
    FailureSummary failures;
    std::vector<HistoryEvent> recent;                  // newest first
    std::shared_ptr<const RegistrySnapshot> registry; // nullptr: no registry configured
    ClockSync clock;
    std::vector<VolumeWatch::Reading> volumes; // the audit and registry volumes' last look
};

// The failures and recent events the page shows, read from the history.
void read_history(const EventHistory& history, DashboardData& data);

std::string render_dashboard(const DashboardData& data, Lang lang);

} // namespace sekisho::gateway
