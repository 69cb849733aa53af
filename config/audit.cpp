// The audit: and alerts: sections — the tamper-evident trail and who is told at once (issue 5).
#include "config/sections.hpp"

#include "config/values.hpp"

#include <algorithm>
#include <functional>

namespace sekisho::config::detail {

namespace {

// RFC 5424 §6.2.1 codes of the facilities an operator would pick for authentication events.
int audit_facility_code(const std::string& name) {
    static const std::vector<std::pair<std::string, int>> names = {
        {"kern", 0},    {"user", 1},    {"daemon", 3},  {"auth", 4},    {"syslog", 5},  {"authpriv", 10},
        {"security", 13}, {"local0", 16}, {"local1", 17}, {"local2", 18}, {"local3", 19}, {"local4", 20},
        {"local5", 21}, {"local6", 22}, {"local7", 23}};
    for (const auto& [n, code] : names)
        if (n == name) return code;
    return -1;
}

} // namespace

void read_audit(MapReader& root, bool have_pkcs11_module, AuditConfig& out) {
    auto section = root.mapping("audit");
    if (!section) return;
    section->require("file", "the audit log file, e.g. /var/log/sekisho/audit.log (its folder must exist)");
    section->read_data_file("file", out.file);
    section->read_choice("fsync", out.fsync,
                         {{"batched", AuditFsync::batched}, {"always", AuditFsync::always}, {"none", AuditFsync::none}});
    read_private_key(*section, "seal_key", have_pkcs11_module, out.seal_key);
    section->read_duration("seal_interval", out.seal_interval, Seconds(1), Seconds(86400));
    std::uint64_t mib = 0;
    if (section->read_unsigned("max_size_mib", mib, 1024 * 1024)) {
        if (mib == 0)
            section->problem("max_size_mib", "must be at least 1");
        else
            out.max_bytes = mib * 1024 * 1024;
    }
    section->read_bool("rotate_daily", out.rotate_daily);
    // A day at least (a test's or a trial's trail); 5 years and more is what the law asks.
    section->read_duration("retention", out.retention, Seconds(86400), Seconds(10 * 366 * 86400));
    section->read_bool("purge", out.purge);
    if (auto syslog = section->has("syslog") ? section->mapping("syslog") : std::nullopt) {
        SyslogConfig sc;
        syslog->require("address", "the collector, e.g. 10.0.0.9:514");
        const bool have_address = syslog->read_endpoint("address", sc.address);
        syslog->read_choice("transport", sc.tcp, {{"udp", false}, {"tcp", true}});
        std::string facility;
        if (syslog->read_text("facility", facility)) {
            sc.facility = audit_facility_code(facility);
            if (sc.facility < 0)
                syslog->problem("facility", "'" + facility + "' is no syslog facility; use authpriv (default), auth, "
                                            "security, daemon, user or local0 ... local7");
        }
        syslog->read_text("app_name", sc.app_name);
        if (sc.app_name.empty() || sc.app_name.size() > 48)
            syslog->problem("app_name", "must be 1 to 48 characters");
        syslog->finish();
        if (have_address) out.syslog = std::move(sc);
    }
    section->finish();
}

namespace {

// expiry_warnings: [30d, 7d]; the older expiry_warning: 7d still means that one threshold.
void read_expiry_warnings(MapReader& section, std::vector<Seconds>& out) {
    const Seconds min(3600), max(365 * 86400);
    Seconds single{};
    if (section.has("expiry_warnings") && section.has("expiry_warning")) {
        section.problem("expiry_warning", "give expiry_warnings alone (e.g. [30d, 7d]); expiry_warning is its "
                                          "older single-threshold form");
        return;
    }
    if (section.read_duration("expiry_warning", single, min, max)) {
        out = {single};
        return;
    }
    if (!section.has("expiry_warnings")) return;
    std::vector<Seconds> thresholds;
    for (const auto& item : section.scalar_list("expiry_warnings", true)) {
        std::string error;
        const auto parsed = parse_duration(item.value, error);
        if (!parsed || *parsed < min || *parsed > max) {
            section.context().problem(item.line, item.key,
                                      parsed ? "must be between 1h and 365d, not " + item.value : error);
            return;
        }
        if (std::find(thresholds.begin(), thresholds.end(), *parsed) != thresholds.end()) {
            section.context().problem(item.line, item.key, item.value + " is listed twice");
            return;
        }
        thresholds.push_back(*parsed);
    }
    if (thresholds.empty()) return; // scalar_list reported it
    std::sort(thresholds.begin(), thresholds.end(), std::greater<>());
    out = std::move(thresholds);
}

void read_webhook(MapReader& section, std::string& out) {
    if (section.read_text("webhook", out) && !out.starts_with("http://") && !out.starts_with("https://"))
        section.problem("webhook", "must be an http:// or https:// URL, e.g. https://alerts.example.jp/sekisho");
}

} // namespace

void read_alerts(MapReader& root, AlertsConfig& out) {
    auto section = root.mapping("alerts");
    if (!section) return;
    section->read_bool("enabled", out.enabled);
    read_webhook(*section, out.webhook);
    // Facility names as the registry has them (device register --facility, user add --facility).
    if (section->has("facilities"))
        for (auto& [facility, hook] : section->named_mappings("facilities")) {
            hook.require("webhook", "the facility's receiver, an http:// or https:// URL");
            std::string url;
            read_webhook(hook, url);
            hook.finish();
            if (!url.empty()) out.facility_webhooks[facility] = url;
        }
    section->read_duration("window", out.window, Seconds(10), Seconds(86400));
    std::uint64_t n = 0;
    if (section->read_unsigned("login_failures_per_facility", n, 100000)) {
        if (n == 0)
            section->problem("login_failures_per_facility", "must be at least 1");
        else
            out.login_failures_per_facility = static_cast<unsigned>(n);
    }
    read_expiry_warnings(*section, out.expiry_warnings);
    section->read_duration("clock_unsynchronized_after", out.clock_unsynchronized_after, Seconds(60),
                           Seconds(30 * 86400));
    if (section->read_unsigned("disk_free_percent", n, 100)) out.disk_free_percent = static_cast<unsigned>(n);
    section->read_duration("volume_check_interval", out.volume_check_interval, Seconds(1), Seconds(3600));
    for (const auto& rule : section->scalar_list("disabled_rules", true)) {
        if (std::find(kAlertRules.begin(), kAlertRules.end(), rule.value) == kAlertRules.end()) {
            std::string names;
            for (const auto& r : kAlertRules) names += (names.empty() ? "" : ", ") + std::string(r);
            section->context().problem(rule.line, rule.key, "'" + rule.value + "' is no alert rule; rules: " + names);
        }
        else
            out.disabled_rules.push_back(rule.value);
    }
    section->finish();
}

} // namespace sekisho::config::detail
