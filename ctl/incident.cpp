#include "ctl/incident.hpp"

#include "operations/cli_args.hpp"
#include "ctl/incident_alerts.hpp"
#include "ctl/incident_timeline.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "pki/printable.hpp"
#include "store/registry.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <limits>
#include <memory>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing it shares

namespace {

const std::string kUsage =
    "usage: sekishoctl incident open --title T [--facility F] [--severity low|medium|high|critical]\n"
    "       sekishoctl incident note ID --text T\n"
    "       sekishoctl incident link ID [FILE...] [--alert SEQ]... [--rule R] [--facility F]\n"
    "                                   [--since T] [--until T]\n"
    "       sekishoctl incident close ID --resolution T\n"
    "       sekishoctl incident list [--open] [--json]\n"
    "       sekishoctl incident show ID [--json]\n"
    "\n"
    "An incident gathers what an investigation needs: notes, the alerts it is about and how it\n"
    "ended. Every change is in the registry's ledger with who made it. 'show' prints the\n"
    "timeline (JST); 'sekishoctl audit export --incident ID' freezes it with the audit records.\n"
    "link     ties alert.fired records of the audit trail to the incident: those with sequence\n"
    "         number SEQ, of rule R, concerning facility F, fired in [since, until) (JST,\n"
    "         RFC 3339 or a prefix). FILE: the trail, oldest first; default: audit.file of the\n"
    "         configuration and its rotated files. At least one filter; an alert links once.\n"
    "severity defaults to medium.\n"
    "common options: --config FILE (default $SEKISHO_CONFIG or /etc/sekisho/sekisho.yaml),\n"
    "                --json\n";

struct Context {
    CliArgs args;
    std::string actor;
    config::Config config;
    std::shared_ptr<store::Registry> registry;
    store::Incidents& incidents() const { return registry->incidents(); }
    const std::string& id() const { return args.positionals.at(0); }
};

store::IncidentRecord find_incident(const Context& c) {
    auto record = c.incidents().get_incident(c.id());
    if (!record)
        throw std::runtime_error("no incident '" + c.id() + "' in the registry " + c.registry->location() +
                                 " (see 'sekishoctl incident list')");
    return *record;
}

void print(const Context& c, const store::IncidentRecord& record) {
    if (c.args.has("--json"))
        std::cout << boost::json::serialize(incident_json(record)) << "\n";
    else
        std::cout << incident_text(record);
}

int open(const Context& c) {
    const auto incident = c.incidents().open_incident(c.args.require("--title"), c.args.get("--facility").value_or(""),
                                                      c.args.get("--severity").value_or("medium"), c.actor);
    if (c.args.has("--json"))
        std::cout << boost::json::serialize(boost::json::object{{"id", incident.id}}) << "\n";
    else
        std::cout << incident.id << "\n";
    return 0;
}

int note(const Context& c) {
    c.incidents().add_note(c.id(), c.args.require("--text"), c.actor);
    print(c, find_incident(c));
    return 0;
}

int link(const Context& c) {
    AlertSelection selection;
    for (const auto& seq : c.args.all("--alert"))
        selection.seqs.push_back(parse_integer_option("--alert", seq, 1, std::numeric_limits<std::int64_t>::max()));
    selection.rule = c.args.get("--rule");
    selection.facility = c.args.get("--facility");
    selection.since = c.args.get("--since");
    selection.until = c.args.get("--until");
    if (selection.empty())
        throw UsageError("incident link: say which alerts: --alert SEQ, --rule, --facility, --since or --until", kUsage);
    std::vector<std::string> files(c.args.positionals.begin() + 1, c.args.positionals.end());
    if (files.empty()) {
        if (c.config.audit.file.empty())
            throw std::runtime_error(c.config.source_file + ": audit.file is not set; give the trail's files");
        files = trail_files(c.config.audit.file);
    }
    const auto alerts = select_alerts(files, selection);
    if (alerts.empty())
        throw std::runtime_error("no alert.fired record of the audit trail matches (sekishoctl audit search FILE "
                                 "--event alert.fired lists them)");
    const auto added = c.incidents().link_alerts(c.id(), alerts, c.actor);
    std::cerr << "linked " << added << " alerts (" << alerts.size() - added << " were linked before)\n";
    print(c, find_incident(c));
    return 0;
}

int close(const Context& c) {
    c.incidents().close_incident(c.id(), c.args.require("--resolution"), c.actor);
    print(c, find_incident(c));
    return 0;
}

int show(const Context& c) {
    print(c, find_incident(c));
    return 0;
}

int list(const Context& c) {
    const auto incidents = c.incidents().list_incidents(c.args.has("--open"));
    if (c.args.has("--json")) {
        boost::json::array out;
        for (const auto& i : incidents)
            out.push_back(boost::json::object{{"id", i.id}, {"title", i.title}, {"facility", i.facility},
                                              {"severity", i.severity}, {"status", i.closed_at ? "closed" : "open"}});
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    for (const auto& i : incidents)
        std::cout << i.id << "  " << (i.closed_at ? "closed" : "open  ") << "  " << pki::printable(i.severity)
                  << "  " << pki::printable(i.facility.empty() ? "-" : i.facility) << "  " << pki::printable(i.title)
                  << "\n";
    return 0;
}

struct Subcommand {
    const char* name;
    std::vector<OptionSpec> options;
    std::size_t min_positionals, max_positionals;
    int (*run)(const Context&);
};

const std::vector<Subcommand> kSubcommands = {
    {"open", {{"--title"}, {"--facility"}, {"--severity"}}, 0, 0, open},
    {"note", {{"--text"}}, 1, 1, note},
    {"link", {{"--alert", true, true}, {"--rule"}, {"--facility"}, {"--since"}, {"--until"}}, 1, 1000, link},
    {"close", {{"--resolution"}}, 1, 1, close},
    {"list", {{"--open", false}}, 0, 0, list},
    {"show", {}, 1, 1, show},
};

} // namespace

int run_incident(const std::vector<std::string>& args) {
    const std::size_t index = leading_common_options(args);
    const std::string& name = subcommand_word(args, index, "incident", kUsage);
    if (is_help(name)) {
        std::cout << kUsage;
        return 0;
    }
    const auto& sub = find_subcommand(kSubcommands, "incident", name, kUsage);
    const auto rest = subcommand_args(args, index);
    if (asks_for_help(rest)) {
        std::cout << kUsage;
        return 0;
    }
    Context context;
    parse_subcommand_args("incident", sub.name, kUsage, [&] {
        context.args = parse_registry_args(rest, sub.options, sub.max_positionals);
        if (context.args.positionals.size() < sub.min_positionals) throw std::invalid_argument("missing ID");
    });
    // Who acts is decided in one place (cli_args.hpp), so that a change there follows here.
    context.actor = actor_of(context.args);
    context.config = load_registry_config(config_path_of(context.args), "incident");
    context.registry = store::open_registry(context.config.registry);
    return sub.run(context);
}

} // namespace sekisho::ctl
