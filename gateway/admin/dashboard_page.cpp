#include "gateway/admin/dashboard_page.hpp"

#include "codec/jst_time.hpp"
#include "gateway/admin/dashboard_chart.hpp"
#include "gateway/http/html.hpp"

#include <cstdio>

namespace sekisho::gateway {
namespace {

constexpr std::size_t kRecentShown = 50;

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:1.5em;color:#222;background:#fafafa}"
    "h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;margin:.3em 0 1em;background:#fff}"
    "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;font-size:.9em;vertical-align:top}"
    "th{background:#eee}td.num{text-align:right}code{font-size:.9em}"
    ".grid{display:flex;flex-wrap:wrap;gap:1.5em}.grid>div{min-width:16em}"
    ".chart{width:100%;max-width:720px;height:auto;background:#fff;border:1px solid #ccc}"
    ".bar{fill:#c0392b}.ok{color:#1e7b34}.warn{color:#fff;background:#b71c1c;padding:.4em .6em}"
    "tr.failure td{background:#fdecea}tr.critical td{background:#f6c6c0}tr.expired td{background:#fdecea;font-weight:bold}"
    ".muted{color:#666}nav a,header a{margin-right:.8em}";

std::string h(std::string_view s) {
    return html_escape(s);
}

std::string window_param(DashboardWindow w) {
    return w == DashboardWindow::last_day ? "24h" : "1h";
}

std::string link(Lang lang, DashboardWindow w) {
    return "/dashboard?lang=" + std::string(lang_code(lang)) + "&amp;window=" + window_param(w);
}

// A SHA-256 fingerprint is 64 hex digits: show the start, keep the whole in the tooltip.
std::string terminal_cell(std::string_view terminal, const DashboardText& t) {
    if (terminal.empty()) return "<span class=\"muted\">-</span>";
    if (terminal == EventHistory::kOtherKey) return h(t.other_keys);
    if (terminal.size() == 64 && terminal.find_first_not_of("0123456789abcdef") == std::string_view::npos)
        return "<code title=\"" + h(terminal) + "\">" + h(terminal.substr(0, 16)) + "…</code>";
    return h(terminal);
}

std::string reason_cell(std::string_view key, Lang lang) {
    if (key == EventHistory::kOtherKey) return h(dashboard_text(lang).other_keys);
    const auto colon = key.find(':');
    std::string out = h(event_label(key.substr(0, colon), lang));
    if (colon != std::string_view::npos) out += " <code>" + h(key.substr(colon + 1)) + "</code>";
    return out;
}

std::string plain_cell(std::string_view key, const DashboardText& t) {
    if (key == EventHistory::kOtherKey) return h(t.other_keys);
    return key.empty() ? "<span class=\"muted\">-</span>" : h(key);
}

std::string counted_table(std::string_view id, std::string_view heading, std::string_view column,
                          const std::vector<CountedKey>& rows, Lang lang, FailureDimension d) {
    const auto& t = dashboard_text(lang);
    std::string out = "<div><h3>" + h(heading) + "</h3>";
    if (rows.empty()) return out + "<p class=\"muted\">" + h(t.none) + "</p></div>";
    out += "<table id=\"" + std::string(id) + "\"><tr><th>" + h(column) + "</th><th>" + h(t.count) + "</th></tr>";
    for (const auto& [key, count] : rows) {
        const std::string cell = d == FailureDimension::reason     ? reason_cell(key, lang)
                                 : d == FailureDimension::terminal ? terminal_cell(key, t)
                                                                   : plain_cell(key, t);
        out += "<tr data-key=\"" + h(key) + "\"><td>" + cell + "</td><td class=\"num\">" + std::to_string(count) +
               "</td></tr>";
    }
    return out + "</table></div>";
}

std::string failures_section(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    const auto& f = d.failures;
    std::string out = "<section id=\"failures\"><h2>" + h(t.failures_heading) + " (" +
                      h(d.window == DashboardWindow::last_day ? t.window_24h : t.window_1h) + ")</h2>";
    out += "<p>" + h(t.failures_total) + ": <strong id=\"failures-total\">" + std::to_string(f.total) + "</strong></p>";
    out += render_failure_chart(f, lang);
    out += "<div class=\"grid\">";
    out += counted_table("by-reason", t.by_reason, t.reason, f.of(FailureDimension::reason), lang, FailureDimension::reason);
    out += counted_table("by-facility", t.by_facility, t.facility, f.of(FailureDimension::facility), lang,
                         FailureDimension::facility);
    out += counted_table("by-terminal", t.by_terminal, t.terminal, f.of(FailureDimension::terminal), lang,
                         FailureDimension::terminal);
    out += counted_table("by-user", t.by_user, t.user, f.of(FailureDimension::user), lang, FailureDimension::user);
    return out + "</div></section>";
}

// "no registry" or "cannot be read" in place of (or above) a registry table; "" when fine.
std::string registry_notice(const DashboardData& d, const DashboardText& t) {
    if (!d.registry) return "<p class=\"muted\">" + h(t.no_registry) + "</p>";
    std::string out;
    if (!d.registry->error.empty())
        out += "<p class=\"warn\">" + h(t.registry_error) + ": " + h(d.registry->error) + "</p>";
    return out + "<p class=\"muted\">" + h(t.registry_as_of) + ": " + h(codec::jst_display(d.registry->taken)) + "</p>";
}

std::chrono::system_clock::time_point from_unix(store::UnixSeconds s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

std::string lockouts_section(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    std::string out = "<section id=\"lockouts\"><h2>" + h(t.lockouts_heading) + "</h2>" + registry_notice(d, t);
    if (!d.registry) return out + "</section>";
    std::string rows;
    for (const auto& l : d.registry->locked) {
        if (from_unix(l.locked_until) <= d.now) continue; // ran out since the snapshot
        rows += "<tr data-user=\"" + h(l.user) + "\"><td>" + h(l.user) + "</td><td>" + plain_cell(l.facility, t) +
                "</td><td>" + h(codec::jst_display(from_unix(l.locked_until))) + "</td><td class=\"num\">" +
                std::to_string(l.failures_since_success) + "</td></tr>";
    }
    if (rows.empty()) return out + "<p>" + h(t.none) + "</p></section>";
    return out + "<table id=\"locked\"><tr><th>" + h(t.user) + "</th><th>" + h(t.facility) + "</th><th>" +
           h(t.locked_until) + "</th><th>" + h(t.failures_since_success) + "</th></tr>" + rows + "</table></section>";
}

std::string expiring_section(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    std::string out = "<section id=\"expiring\"><h2>" + h(t.expiring_heading) + "</h2><p class=\"muted\">" +
                      h(t.expiring_note) + "</p>" + registry_notice(d, t);
    if (!d.registry) return out + "</section>";
    if (d.registry->expiring.empty()) return out + "<p>" + h(t.none) + "</p></section>";
    out += "<table id=\"expiring-terminals\"><tr><th>" + h(t.device_id) + "</th><th>" + h(t.device_name) + "</th><th>" +
           h(t.facility) + "</th><th>" + h(t.serial) + "</th><th>" + h(t.not_after) + "</th><th>" + h(t.days_left) +
           "</th></tr>";
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(d.now.time_since_epoch()).count();
    for (const auto& e : d.registry->expiring) {
        const auto left = e.not_after - now_s;
        const bool expired = left <= 0;
        out += std::string("<tr") + (expired ? " class=\"expired\"" : "") + "><td><code>" + h(e.device_id) +
               "</code></td><td>" + h(e.name) + "</td><td>" + plain_cell(e.facility, t) + "</td><td><code>" +
               h(e.serial) + "</code></td><td>" + h(codec::jst_display(from_unix(e.not_after))) + "</td><td class=\"num\">" +
               (expired ? h(t.expired) : std::to_string(left / 86400)) + "</td></tr>";
    }
    out += "</table>";
    if (d.registry->expiring_truncated)
        out += "<p class=\"muted\" id=\"expiring-more\">" + h(t.expiring_more) + "</p>";
    return out + "</section>";
}

std::string recent_section(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    std::string out = "<section id=\"recent\"><h2>" + h(t.recent_heading) + "</h2>";
    if (d.recent.empty()) return out + "<p>" + h(t.none) + "</p></section>";
    out += "<table id=\"recent-events\"><tr><th>" + h(t.time) + "</th><th>" + h(t.event) + "</th><th>" + h(t.user) +
           "</th><th>" + h(t.device) + "</th><th>" + h(t.facility) + "</th><th>" + h(t.source) + "</th><th>" +
           h(t.result) + "</th></tr>";
    for (const auto& e : d.recent) {
        const char* cls = e.level >= spdlog::level::critical ? " class=\"critical\""
                          : e.failure                        ? " class=\"failure\""
                                                             : "";
        out += std::string("<tr") + cls + " data-event=\"" + h(e.event) + "\"><td>" + h(codec::jst_display(e.at)) +
               "</td><td>" + h(event_label(e.event, lang)) + "</td><td>" + plain_cell(e.user, t) + "</td><td>" +
               terminal_cell(e.terminal, t) + "</td><td>" + plain_cell(e.facility, t) + "</td><td>" +
               plain_cell(e.peer, t) + "</td><td>" + plain_cell(e.result, t) + "</td></tr>";
    }
    return out + "</table></section>";
}

std::string clock_section(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    char errors[96];
    std::snprintf(errors, sizeof errors, "%.3f / %.3f", d.clock.max_error_seconds, d.clock.estimated_error_seconds);
    std::string out = "<section id=\"clock\"><h2>" + h(t.clock_heading) + "</h2>";
    if (d.clock.synchronized)
        out += "<p class=\"ok\" id=\"clock-state\">" + h(t.clock_synced) + "</p>";
    else
        out += "<p class=\"warn\" id=\"clock-state\">" + h(t.clock_unsynced) + " — " + h(t.clock_unsynced_advice) + "</p>";
    return out + "<p class=\"muted\">" + h(t.max_error) + " / " + h(t.estimated_error) + ": " + errors + "</p></section>";
}

std::string volumes_section(const DashboardData& d, Lang lang) {
    if (d.volumes.empty()) return {};
    const auto& t = dashboard_text(lang);
    std::string out = "<section id=\"volumes\"><h2>" + h(t.volumes_heading) + "</h2><table><tr><th>" + h(t.volume) +
                      "</th><th>" + h(t.free_space) + "</th><th>" + h(t.free_share) + "</th><th></th></tr>";
    bool any_low = false;
    for (const auto& v : d.volumes) {
        char free_text[64] = "-", share[32] = "-";
        if (v.space) {
            std::snprintf(free_text, sizeof free_text, "%.1f MiB", static_cast<double>(v.space->free_bytes) / (1 << 20));
            std::snprintf(share, sizeof share, "%.1f %%", v.space->free_ratio() * 100);
        }
        any_low = any_low || v.low;
        out += "<tr id=\"volume-" + h(v.name) + "\"><td>" + h(v.name) + "</td><td>" + free_text + "</td><td>" + share +
               "</td><td class=\"" + (v.low ? "warn\">" + h(t.volume_low) : "ok\">" + h(t.volume_ok)) + "</td></tr>";
    }
    out += "</table>";
    if (any_low) out += "<p class=\"warn\">" + h(t.volume_low_advice) + "</p>";
    return out + "</section>";
}

} // namespace

DashboardWindow parse_dashboard_window(std::string_view param) {
    return param == "24h" ? DashboardWindow::last_day : DashboardWindow::last_hour;
}

void read_history(const EventHistory& history, DashboardData& data) {
    using std::chrono::minutes;
    data.failures = data.window == DashboardWindow::last_day ? history.failures(minutes(24 * 60), minutes(60))
                                                             : history.failures(minutes(60), minutes(1));
    data.recent = history.recent(kRecentShown);
}

std::string render_dashboard(const DashboardData& d, Lang lang) {
    const auto& t = dashboard_text(lang);
    const Lang other = lang == Lang::en ? Lang::ja : Lang::en;
    std::string out = "<!doctype html><html lang=\"" + std::string(lang_code(lang)) +
                      "\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"30\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
                      h(t.title) + "</title><style>" + std::string(kStyle) + "</style></head><body><header><h1>" +
                      h(t.title) + "</h1><p>" + h(t.generated) + ": <span id=\"generated\">" + h(codec::jst_display(d.now)) +
                      "</span> — " + h(t.times_note) + " " + h(t.refresh_note) + " · <a href=\"" +
                      link(other, d.window) + "\" hreflang=\"" + std::string(lang_code(other)) + "\">" +
                      h(t.other_language) + "</a></p><nav>" + h(t.window_label) + ": <a href=\"" +
                      link(lang, DashboardWindow::last_hour) + "\">" + h(t.window_1h) + "</a><a href=\"" +
                      link(lang, DashboardWindow::last_day) + "\">" + h(t.window_24h) + "</a></nav></header><main>";
    out += clock_section(d, lang);
    out += volumes_section(d, lang);
    out += failures_section(d, lang);
    out += lockouts_section(d, lang);
    out += expiring_section(d, lang);
    out += recent_section(d, lang);
    return out + "</main></body></html>\n";
}

} // namespace sekisho::gateway
