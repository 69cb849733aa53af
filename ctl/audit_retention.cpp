#include "ctl/audit_retention.hpp"

#include "audit/legal_hold.hpp"
#include "audit/retention.hpp"
#include "config/load.hpp"
#include "operations/invocation.hpp"
#include "operations/usage_error.hpp"
#include "pki/printable.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and who acts

namespace {

namespace fs = std::filesystem;

config::AuditConfig audit_config(const CliArgs& args) {
    const auto path = config_path_of(args);
    auto cfg = config::load_file(path);
    if (cfg.audit.file.empty())
        throw std::runtime_error(path + " has no audit.file: there is no audit trail to keep or purge");
    return cfg.audit;
}

boost::json::object candidate_json(const audit::PurgeCandidate& c) {
    boost::json::object o;
    o["file"] = fs::path(c.path).filename().string();
    o["closed"] = c.closed;
    o["first_seq"] = c.first_seq;
    o["last_seq"] = c.last_seq;
    o["bytes"] = c.bytes;
    if (!c.held_by.empty()) o["held_by"] = c.held_by;
    return o;
}

int hold_list(const std::string& trail, const CliArgs& args) {
    const auto holds = audit::read_holds(trail);
    if (args.has("--json")) {
        boost::json::array out;
        for (const auto& h : holds)
            out.push_back(boost::json::object{{"name", h.name}, {"reason", h.reason}, {"by", h.by},
                                              {"placed_at", h.placed_at}, {"export", h.export_dir},
                                              {"first_seq", h.first_seq}, {"last_seq", h.last_seq}});
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    for (const auto& h : holds)
        std::cout << pki::printable(h.name) << "  records " << h.first_seq << ".." << h.last_seq << "  placed "
                  << pki::printable(h.placed_at) << " by " << pki::printable(h.by) << "  export "
                  << pki::printable(h.export_dir) << "\n  reason: " << pki::printable(h.reason) << "\n";
    std::cerr << holds.size() << " holds\n";
    return 0;
}

} // namespace

int audit_purge(const CliArgs& args, const std::string& usage) {
    if (!args.positionals.empty()) throw UsageError("audit purge: takes no FILE (the trail is --config's audit.file)", usage);
    const auto cfg = audit_config(args);
    const bool dry_run = args.has("--dry-run");
    const auto report = audit::purge_expired({cfg.file, cfg.retention, local_actor(), dry_run});
    if (args.has("--json")) {
        boost::json::object out;
        out["dry_run"] = dry_run;
        out["retention"] = audit::retention_text(cfg.retention);
        out["cutoff"] = report.cutoff;
        boost::json::array purged, held;
        for (const auto& c : report.purged) purged.push_back(candidate_json(c));
        for (const auto& c : report.held) held.push_back(candidate_json(c));
        out[dry_run ? "would_purge" : "purged"] = std::move(purged);
        out["held"] = std::move(held);
        out["kept"] = report.kept;
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    for (const auto& c : report.purged)
        std::cout << (dry_run ? "would purge " : "purged ") << c.path << "  (records " << c.first_seq << ".."
                  << c.last_seq << ", closed " << c.closed << ")\n";
    for (const auto& c : report.held)
        std::cout << "held " << c.path << "  (records " << c.first_seq << ".." << c.last_seq << ", by hold "
                  << pki::printable(c.held_by) << ")\n";
    std::cout << report.purged.size() << (dry_run ? " files would be purged, " : " files purged, ") << report.held.size()
              << " held, " << report.kept << " within retention (" << audit::retention_text(cfg.retention)
              << ": closed before " << report.cutoff << ")\n";
    return 0;
}

int audit_hold(const CliArgs& args, const std::string& usage) {
    const auto& p = args.positionals;
    if (p.empty()) throw UsageError("audit hold: add, list or remove?", usage);
    const auto trail = audit_config(args).file;
    if (p[0] == "list" && p.size() == 1) return hold_list(trail, args);
    if (p[0] == "add" && p.size() == 2) {
        const auto dir = args.get("--export");
        if (!dir) throw UsageError("audit hold add: --export DIR (made by 'sekishoctl audit export') is required", usage);
        auto hold = audit::hold_of_export(*dir);
        hold.name = p[1];
        hold.reason = args.get("--reason").value_or("");
        hold.by = local_actor();
        audit::add_hold(trail, hold);
        std::cout << "hold " << pki::printable(hold.name) << " keeps records " << hold.first_seq << ".."
                  << hold.last_seq << " (" << pki::printable(hold.export_dir) << ") from purging\n";
        return 0;
    }
    if (p[0] == "remove" && p.size() == 2) {
        const auto removed = audit::remove_hold(trail, p[1], local_actor());
        std::cout << "hold " << pki::printable(removed.name) << " removed: records " << removed.first_seq << ".."
                  << removed.last_seq << " follow audit.retention again\n";
        return 0;
    }
    throw UsageError("audit hold: use 'hold add NAME --export DIR --reason TEXT', 'hold list' or 'hold remove NAME'",
                     usage);
}

} // namespace sekisho::ctl
