// The audit: and alerts: sections — the tamper-evident trail and who is told at once (issue 5).
#include "config/sections.hpp"

#include <algorithm>

namespace sekisho::config::detail {

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
    section->finish();
}

void read_alerts(MapReader& root, AlertsConfig& out) {
    auto section = root.mapping("alerts");
    if (!section) return;
    section->read_bool("enabled", out.enabled);
    if (section->read_text("webhook", out.webhook) && !out.webhook.starts_with("http://") &&
        !out.webhook.starts_with("https://"))
        section->problem("webhook", "must be an http:// or https:// URL, e.g. https://alerts.example.jp/sekisho");
    section->read_duration("window", out.window, Seconds(10), Seconds(86400));
    std::uint64_t n = 0;
    if (section->read_unsigned("login_failures_per_facility", n, 100000)) {
        if (n == 0)
            section->problem("login_failures_per_facility", "must be at least 1");
        else
            out.login_failures_per_facility = static_cast<unsigned>(n);
    }
    static const std::vector<std::string> rules = {"login_failures", "session_crossover", "revoked_certificate",
                                                   "lockout", "break_glass", "password_spraying", "audit_failure"};
    for (const auto& rule : section->scalar_list("disabled_rules", true)) {
        if (std::find(rules.begin(), rules.end(), rule.value) == rules.end())
            section->context().problem(rule.line, rule.key, "'" + rule.value + "' is no alert rule; rules: login_failures, "
                                       "session_crossover, revoked_certificate, lockout, break_glass, password_spraying, audit_failure");
        else
            out.disabled_rules.push_back(rule.value);
    }
    section->finish();
}

} // namespace sekisho::config::detail
