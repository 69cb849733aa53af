#include "ctl/incident_timeline.hpp"

#include "codec/jst_time.hpp"
#include "pki/printable.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <chrono>

namespace sekisho::ctl {

namespace {

std::string jst(store::UnixSeconds t) {
    return codec::jst_timestamp(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
}

int rank(const std::string& kind) {
    if (kind == "opened") return 0;
    if (kind == "alert") return 1;
    if (kind == "note") return 2;
    return 3;
}

} // namespace

std::vector<TimelineEntry> incident_timeline(const store::IncidentRecord& record) {
    const auto& i = record.incident;
    std::vector<TimelineEntry> out;
    out.push_back({jst(i.opened_at), "opened", i.opened_by,
                   i.title + " (severity " + i.severity + (i.facility.empty() ? "" : ", facility " + i.facility) + ")",
                   0, ""});
    for (const auto& note : record.notes) out.push_back({jst(note.at), "note", note.actor, note.text, 0, ""});
    for (const auto& alert : record.alerts)
        out.push_back({alert.fired_at, "alert", "gateway",
                       alert.rule + ": " + alert.summary +
                           (alert.facilities.empty() ? "" : " [facility " + alert.facilities + "]"),
                       alert.audit_seq, alert.record_sha256});
    if (i.closed_at) out.push_back({jst(*i.closed_at), "closed", i.closed_by, i.resolution, 0, ""});
    std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
        // The same second may show as .000 (registry times) and .123 (the trail): compare
        // to the second first, then by kind, so that an opening precedes what it is about.
        const auto second_a = a.time.substr(0, 19), second_b = b.time.substr(0, 19);
        if (second_a != second_b) return second_a < second_b;
        if (rank(a.kind) != rank(b.kind)) return rank(a.kind) < rank(b.kind);
        return a.time < b.time;
    });
    return out;
}

boost::json::object incident_json(const store::IncidentRecord& record) {
    const auto& i = record.incident;
    boost::json::object o;
    o["id"] = i.id;
    o["title"] = i.title;
    o["facility"] = i.facility;
    o["severity"] = i.severity;
    o["status"] = i.closed_at ? "closed" : "open";
    o["opened_at"] = jst(i.opened_at);
    o["opened_by"] = i.opened_by;
    if (i.closed_at) {
        o["closed_at"] = jst(*i.closed_at);
        o["closed_by"] = i.closed_by;
        o["resolution"] = i.resolution;
    }
    boost::json::array timeline;
    for (const auto& e : incident_timeline(record)) {
        boost::json::object entry{{"time", e.time}, {"kind", e.kind}, {"actor", e.actor}, {"text", e.text}};
        if (e.kind == "alert") {
            entry["audit_seq"] = e.audit_seq;
            entry["record_sha256"] = e.record_sha256;
        }
        timeline.push_back(std::move(entry));
    }
    o["timeline"] = std::move(timeline);
    return o;
}

std::string incident_text(const store::IncidentRecord& record) {
    const auto& i = record.incident;
    std::string text = pki::printable(i.id) + "  " + (i.closed_at ? "closed" : "open") + "  " +
                       pki::printable(i.severity) + "  " + pki::printable(i.title) + "\n";
    if (!i.facility.empty()) text += "facility: " + pki::printable(i.facility) + "\n";
    text += "timeline (JST):\n";
    for (const auto& e : incident_timeline(record)) {
        text += "  " + e.time + "  " + e.kind + std::string(7 - std::min<std::size_t>(e.kind.size(), 6), ' ') +
                pki::printable(e.actor) + "  " + pki::printable(e.text);
        if (e.kind == "alert") text += "  (audit #" + std::to_string(e.audit_seq) + ")";
        text += "\n";
    }
    return text;
}

} // namespace sekisho::ctl
