#include "ctl/incident_export.hpp"

#include "codec/jst_time.hpp"
#include "ctl/incident_timeline.hpp"
#include "operations/registry_access.hpp"
#include "store/registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing it shares

namespace fs = std::filesystem;

std::optional<IncidentExport> incident_for_export(const CliArgs& args) {
    const auto id = args.get("--incident");
    if (!id) return std::nullopt;
    const auto config = load_registry_config(config_path_of(args), "audit export --incident");
    const auto registry = store::open_registry(config.registry);
    const auto record = registry->incidents().get_incident(*id);
    if (!record)
        throw std::runtime_error("no incident '" + *id + "' in the registry " + registry->location() +
                                 " (see 'sekishoctl incident list')");
    IncidentExport out;
    out.incident = incident_json(*record);
    const auto jst = [](store::UnixSeconds t) {
        return codec::jst_timestamp(std::chrono::system_clock::time_point(std::chrono::seconds(t)));
    };
    out.since = jst(record->incident.opened_at);
    for (const auto& alert : record->alerts) {
        if (alert.fired_at < out.since) out.since = alert.fired_at;
        out.alerts.emplace_back(alert.audit_seq, alert.record_sha256);
    }
    if (record->incident.closed_at) out.until = jst(*record->incident.closed_at + 1); // until is exclusive
    return out;
}

void limit_to_incident(const IncidentExport& incident, AuditQuery& query) {
    if (!query.since) query.since = incident.since;
    if (!query.until && incident.until) query.until = incident.until;
}

boost::json::object write_incident(const IncidentExport& incident, const fs::path& out,
                                   const std::vector<AuditLine>& lines) {
    const auto text = boost::json::serialize(incident.incident) + "\n";
    const auto path = out / "incident.json";
    std::ofstream(path, std::ios::binary) << text;
    fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    std::size_t found = 0;
    boost::json::array missing;
    for (const auto& [seq, sha256] : incident.alerts) {
        bool present = false;
        for (const auto& line : lines)
            if (static_cast<std::int64_t>(line.record.seq) == seq && audit::record_hash(line.text) == sha256)
                present = true;
        if (present)
            ++found;
        else
            missing.push_back(seq);
    }
    boost::json::object entry;
    entry["id"] = incident.incident.at("id");
    entry["file"] = "incident.json";
    entry["sha256"] = audit::record_hash(text);
    entry["alerts_linked"] = incident.alerts.size();
    entry["alerts_in_export"] = found; // the same record, byte for byte, in records.jsonl
    entry["alerts_missing"] = std::move(missing);
    return entry;
}

} // namespace sekisho::ctl
