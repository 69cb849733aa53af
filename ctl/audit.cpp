#include "ctl/audit.hpp"

#include "audit/audit_record.hpp"
#include "audit/audit_verify.hpp"
#include "codec/jst_time.hpp"
#include "ctl/audit_query.hpp"
#include "ctl/audit_retention.hpp"
#include "operations/cli_args.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "ctl/incident_export.hpp"
#include "pki/jws_verify.hpp"
#include "pki/printable.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

namespace fs = std::filesystem;

const std::string kUsage =
    "usage: sekishoctl audit verify FILE... [--key PUBLIC.pem] [--json]\n"
    "       sekishoctl audit verify --trail AUDIT_FILE [--key PUBLIC.pem] [--json]\n"
    "       sekishoctl audit search FILE... [filters] [--json]\n"
    "       sekishoctl audit export FILE... --out DIR [filters] [--key PUBLIC.pem]\n"
    "                               [--incident ID [--config FILE]]\n"
    "       sekishoctl audit purge [--dry-run] [--json] [--config FILE]\n"
    "       sekishoctl audit hold add NAME --export DIR --reason TEXT [--config FILE]\n"
    "       sekishoctl audit hold list [--json] [--config FILE]\n"
    "       sekishoctl audit hold remove NAME [--config FILE]\n"
    "\n"
    "verify  checks an audit trail: every line a record, numbers without gaps, each record\n"
    "        chained to the one before (SHA-256), and with --key every seal signed by the\n"
    "        gateway's sealing key (its public key, a certificate, or the key file itself).\n"
    "        Exit 0 with the record count, 1 naming the first broken record. FILE... may be\n"
    "        a piece of the trail; --trail takes all of it (audit.file and its rotated\n"
    "        files), which must start at record 1 or where files purged past retention end\n"
    "        (as the retention register <audit.file>.retention records): a file deleted\n"
    "        without such a record is found, the oldest one too.\n"
    "search  prints the records that match, oldest first.\n"
    "export  verifies the trail, then freezes it for an investigation in DIR (which must not\n"
    "        exist): read-only copies of the files, the matching records, and manifest.json\n"
    "        with SHA-256 of each file and the verification result. With --incident, the\n"
    "        records of the incident's period (unless --since/--until say otherwise) and its\n"
    "        timeline (incident.json, from the registry of --config), its alerts checked.\n"
    "purge   deletes the rotated files of audit.file closed longer ago than audit.retention\n"
    "        (default 1827d, 5 years), each recorded first in the retention register (which\n"
    "        file, its first and last record and hash, the retention, who); files with\n"
    "        records of a hold are kept and listed as held. --dry-run only lists. The gateway\n"
    "        does the same once a day unless audit.purge is false.\n"
    "hold    a legal hold over an export: its records are never purged until it is removed.\n"
    "        Placing and removing one is recorded in the retention register.\n"
    "\n"
    "Give rotated files oldest first and the live file last.\n"
    "filters: --since T --until T (JST, RFC 3339 or a prefix: 2026-11-22, 2026-11-22T13:00;\n"
    "         until is exclusive) --event E (or a prefix: login.*) --user U --device FP\n"
    "         (or its start) --facility F --result success|failure\n";

AuditQuery query_of(const CliArgs& args) {
    AuditQuery q;
    q.since = args.get("--since");
    q.until = args.get("--until");
    q.event = args.get("--event");
    q.user = args.get("--user");
    q.device = args.get("--device");
    q.facility = args.get("--facility");
    q.result = args.get("--result");
    if (q.result && *q.result != "success" && *q.result != "failure")
        throw UsageError("audit: --result must be success or failure", kUsage);
    return q;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int search(const CliArgs& args) {
    if (args.positionals.empty()) throw UsageError("audit search: no FILE given", kUsage);
    const auto query = query_of(args);
    std::size_t shown = 0;
    for (const auto& line : read_audit_lines(args.positionals)) {
        if (!audit_matches(line.record, query)) continue;
        ++shown;
        if (args.has("--json")) {
            std::cout << line.text << "\n";
            continue;
        }
        // Every value may have come from the network: escaped for the terminal (printable.hpp).
        std::cout << pki::printable(line.record.time) << "  #" << line.record.seq << "  "
                  << pki::printable(line.record.event) << "  [" << audit_result(line.record) << "]";
        for (const auto& [k, v] : line.record.fields)
            if (k != "level") std::cout << "  " << pki::printable(k) << "=" << pki::printable(v);
        std::cout << "\n";
    }
    if (!args.has("--json")) std::cerr << shown << " records\n";
    return 0;
}

int export_trail(const CliArgs& args) {
    if (args.positionals.empty()) throw UsageError("audit export: no FILE given", kUsage);
    const auto out = args.get("--out");
    if (!out) throw UsageError("audit export: --out DIR is required", kUsage);
    auto query = query_of(args);
    const auto incident = incident_for_export(args);
    if (incident) limit_to_incident(*incident, query);
    pki::EvpPkeyPtr key;
    if (auto path = args.get("--key")) key = pki::load_public_key_pem(*path);
    const auto checked = audit::verify_chain(args.positionals, key.get());
    if (!checked.ok) {
        std::cout << "BROKEN: " << pki::printable(checked.problem) << "\nnothing exported: the trail does not verify\n";
        return 1;
    }
    if (fs::exists(*out)) throw std::runtime_error(*out + " already exists; an export never overwrites");
    fs::create_directories(fs::path(*out) / "source");

    boost::json::array sources;
    for (const auto& file : args.positionals) {
        const auto text = file_text(file);
        const auto copy = fs::path(*out) / "source" / fs::path(file).filename();
        std::ofstream(copy, std::ios::binary) << text;
        fs::permissions(copy, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
        boost::json::object source;
        source["file"] = "source/" + fs::path(file).filename().string();
        source["original"] = fs::absolute(file).string();
        source["bytes"] = text.size();
        source["sha256"] = audit::record_hash(text);
        sources.push_back(std::move(source));
    }
    std::ofstream selected(fs::path(*out) / "records.jsonl", std::ios::binary);
    std::uint64_t count = 0, first = 0, last = 0;
    std::vector<AuditLine> chosen;
    for (auto& line : read_audit_lines(args.positionals)) {
        if (!audit_matches(line.record, query)) continue;
        selected << line.text << "\n";
        if (incident) chosen.push_back(line);
        if (count++ == 0) first = line.record.seq;
        last = line.record.seq;
    }
    selected.close();

    boost::json::object manifest;
    manifest["exported_at"] = codec::jst_timestamp(std::chrono::system_clock::now());
    boost::json::object filters;
    for (const auto* name : {"--since", "--until", "--event", "--user", "--device", "--facility", "--result"})
        if (auto v = args.get(name)) filters[std::string(name + 2)] = *v;
    if (incident) { // the period the incident set, as applied
        if (query.since) filters["since"] = *query.since;
        if (query.until) filters["until"] = *query.until;
        manifest["incident"] = write_incident(*incident, *out, chosen);
    }
    manifest["filters"] = std::move(filters);
    manifest["sources"] = std::move(sources);
    boost::json::object chain;
    chain["records"] = checked.records;
    chain["first_seq"] = checked.first_seq;
    chain["last_seq"] = checked.last_seq;
    chain["seals"] = checked.seals;
    chain["seals_checked"] = static_cast<bool>(key);
    chain["unsealed_tail"] = checked.unsealed_tail;
    manifest["chain"] = std::move(chain);
    manifest["selected"] = boost::json::object{{"file", "records.jsonl"}, {"records", count}, {"first_seq", first},
                                               {"last_seq", last}};
    std::string again = "sekishoctl audit verify";
    for (const auto& file : args.positionals) again += " source/" + fs::path(file).filename().string();
    manifest["verify_with"] = again + (key ? " --key <the sealing public key>" : "");
    const auto manifest_path = fs::path(*out) / "manifest.json";
    std::ofstream(manifest_path) << boost::json::serialize(manifest) << "\n";
    for (const auto& frozen : {manifest_path, fs::path(*out) / "records.jsonl"})
        fs::permissions(frozen, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    std::cout << "exported " << count << " of " << checked.records << " records to " << *out
              << " (trail verified" << (key ? " with seals" : "") << ")\n";
    return 0;
}

int verify(const CliArgs& args) {
    const auto trail = args.get("--trail");
    if (args.positionals.empty() == !trail)
        throw UsageError("audit verify: give FILE... or --trail AUDIT_FILE (one of them)", kUsage);
    pki::EvpPkeyPtr key;
    if (auto path = args.get("--key")) key = pki::load_public_key_pem(*path);
    const auto result = trail ? audit::verify_trail(*trail, key.get()) : audit::verify_chain(args.positionals, key.get());
    if (args.has("--json")) {
        boost::json::object out;
        out["ok"] = result.ok;
        out["records"] = result.records;
        out["seals"] = result.seals;
        out["seals_checked"] = static_cast<bool>(key);
        out["unsealed_tail"] = result.unsealed_tail;
        out["first_seq"] = result.first_seq;
        out["last_seq"] = result.last_seq;
        if (trail) out["files"] = result.files;
        if (trail) out["purged_files"] = result.purged_files;
        if (!result.ok) out["problem"] = result.problem;
        std::cout << boost::json::serialize(out) << "\n";
    } else if (result.ok) {
        std::cout << "OK: " << result.records << " records (seq " << result.first_seq << ".." << result.last_seq
                  << "), " << result.seals << " seals" << (key ? " verified" : " (not checked: no --key)") << ", "
                  << result.unsealed_tail << " records after the last seal";
        if (trail)
            std::cout << "; " << result.files << " files, " << result.purged_files
                      << " purged files accounted for by the retention register";
        std::cout << "\n";
    } else {
        std::cout << "BROKEN: " << pki::printable(result.problem) << "\n";
    }
    return result.ok ? 0 : 1;
}

int purge(const CliArgs& args) {
    return audit_purge(args, kUsage);
}

int hold(const CliArgs& args) {
    return audit_hold(args, kUsage);
}

const std::vector<OptionSpec> kFilters = {{"--since"}, {"--until"}, {"--event"}, {"--user"},
                                          {"--device"}, {"--facility"}, {"--result"}};

std::vector<OptionSpec> with_filters(std::vector<OptionSpec> options) {
    options.insert(options.end(), kFilters.begin(), kFilters.end());
    return options;
}

struct Subcommand {
    const char* name;
    int (*run)(const CliArgs&);
    std::vector<OptionSpec> options;
};
const std::vector<Subcommand> kSubcommands = {
    {"verify", verify, {{"--key"}, {"--json", false}, {"--trail"}}},
    {"search", search, with_filters({{"--json", false}})},
    {"export", export_trail, with_filters({{"--key"}, {"--out"}, {"--incident"}, {"--config"}})},
    {"purge", purge, {{"--config"}, {"--dry-run", false}, {"--json", false}}},
    {"hold", hold, {{"--config"}, {"--json", false}, {"--export"}, {"--reason"}}},
};

} // namespace

int run_audit(const std::vector<std::string>& args) {
    const std::string& word = subcommand_word(args, 0, "audit", kUsage);
    if (is_help(word)) {
        std::cout << kUsage;
        return 0;
    }
    const auto& sub = find_subcommand(kSubcommands, "audit", word, kUsage);
    const auto rest = subcommand_args(args, 0);
    for (const auto& a : rest)
        if (is_help(a)) {
            std::cout << kUsage;
            return 0;
        }
    CliArgs parsed;
    parse_subcommand_args("audit", sub.name, kUsage, [&] {
        parsed = parse_args(rest, sub.options, 1000);
    });
    return sub.run(parsed);
}

} // namespace sekisho::ctl
