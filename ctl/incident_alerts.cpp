#include "ctl/incident_alerts.hpp"

#include "ctl/audit_query.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace sekisho::ctl {

namespace {

namespace fs = std::filesystem;

std::string field_of(const audit::ParsedRecord& record, std::string_view key) {
    for (const auto& [k, v] : record.fields)
        if (k == key) return v;
    return {};
}

} // namespace

std::vector<std::string> trail_files(const std::string& audit_file) {
    const fs::path live(audit_file);
    const auto prefix = live.filename().string() + ".";
    std::vector<std::string> rotated;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(live.parent_path(), error)) {
        const auto name = entry.path().filename().string();
        // Rotated files carry a JST time after the prefix (audit_log.cpp's rotated_name).
        if (name.size() > prefix.size() && name.starts_with(prefix) &&
            std::isdigit(static_cast<unsigned char>(name[prefix.size()])))
            rotated.push_back(entry.path().string());
    }
    std::sort(rotated.begin(), rotated.end());
    if (fs::exists(live)) rotated.push_back(audit_file);
    return rotated;
}

std::vector<store::IncidentAlert> select_alerts(const std::vector<std::string>& files, const AlertSelection& s) {
    AuditQuery query;
    query.event = "alert.fired";
    query.since = s.since;
    query.until = s.until;
    query.facility = s.facility; // one of the alert's facilities
    std::vector<store::IncidentAlert> out;
    for (const auto& line : read_audit_lines(files)) {
        if (!audit_matches(line.record, query)) continue;
        const auto seq = static_cast<std::int64_t>(line.record.seq);
        if (!s.seqs.empty() && std::find(s.seqs.begin(), s.seqs.end(), seq) == s.seqs.end()) continue;
        store::IncidentAlert alert;
        alert.rule = field_of(line.record, "rule");
        alert.facilities = field_of(line.record, "facilities");
        if (s.rule && alert.rule != *s.rule) continue;
        alert.audit_seq = seq;
        alert.record_sha256 = audit::record_hash(line.text);
        alert.fired_at = line.record.time;
        alert.summary = field_of(line.record, "summary");
        out.push_back(std::move(alert));
    }
    return out;
}

} // namespace sekisho::ctl
