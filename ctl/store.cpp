#include "ctl/store.hpp"

#include "operations/cli_args.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "store/registry.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

const std::string kUsage =
    "usage: sekishoctl store migrate [--config FILE] [--grant ROLE] [--json]\n"
    "       sekishoctl store copy --from FILE.db [--config FILE] [--json]\n"
    "       sekishoctl store copy --from FILE.db --to postgresql://USER@HOST:PORT/DB\n"
    "                             [--password-file F] [--sslmode M] [--sslrootcert CA] [--json]\n"
    "\n"
    "migrate  brings the configured registry's schema up to this build's version (a gateway\n"
    "         refuses a PostgreSQL schema that is older or newer). Run it as the database's\n"
    "         owner; --grant ROLE gives the role the gateways connect as what they need and no\n"
    "         more: rows of every table, but only SELECT and INSERT on the ledger.\n"
    "copy     copies a SQLite registry file, everything in it (users with their password\n"
    "         hashes and histories, devices, certificates, tickets, the ledger with its\n"
    "         sequence), into the configured registry or the one --to names, which must be\n"
    "         empty; then verifies the copy (row counts, every ledger entry). All or nothing.\n"
    "\n"
    "--config FILE  the gateway configuration naming the registry (registry.sqlite or\n"
    "               registry.postgresql); default $SEKISHO_CONFIG or /etc/sekisho/sekisho.yaml\n"
    "--to URL       a PostgreSQL registry not in a configuration; its password in\n"
    "               --password-file, never in the URL; --sslrootcert CA verifies the server\n"
    "               (verify-full), else --sslmode must be given (require: encrypted, the\n"
    "               password bound to the channel; disable: plain).\n";

int migrate(const CliArgs& args) {
    const auto config = load_registry_config(config_path_of(args), "store");
    const auto report = store::migrate_registry(config.registry, args.get("--grant").value_or(""));
    if (args.has("--json")) {
        boost::json::object out{{"registry", report.location}, {"from", report.from}, {"to", report.to}};
        if (args.has("--grant")) out["granted"] = *args.get("--grant");
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    if (report.from == report.to)
        std::cout << report.location << ": schema version " << report.to << " is current; nothing to do\n";
    else
        std::cout << report.location << ": migrated from schema version " << report.from << " to " << report.to << "\n";
    if (args.has("--grant"))
        std::cout << "granted " << *args.get("--grant") << " what a gateway needs (no UPDATE or DELETE on the ledger)\n";
    return 0;
}

config::RegistryConfig target_of(const CliArgs& args) {
    if (!args.has("--to")) return load_registry_config(config_path_of(args), "store").registry;
    return postgresql_registry_of(args, "--to", "store copy", kUsage);
}

int copy(const CliArgs& args) {
    config::RegistryConfig from;
    from.sqlite = args.require("--from");
    const auto report = store::copy_registry(from, target_of(args));
    if (args.has("--json")) {
        boost::json::object rows;
        for (const auto& [table, n] : report.rows) rows[table] = n;
        std::cout << boost::json::serialize(boost::json::object{{"from", report.from},
                                                                {"to", report.to},
                                                                {"rows", rows},
                                                                {"last_ledger_seq", report.last_ledger_seq},
                                                                {"revision", report.revision}})
                  << "\n";
        return 0;
    }
    std::cout << "copied " << report.from << " into " << report.to << "\n";
    for (const auto& [table, n] : report.rows) std::cout << "  " << table << ": " << n << "\n";
    std::cout << "verified: the same rows, and the ledger entry for entry through seq " << report.last_ledger_seq
              << " (revision " << report.revision << ")\n";
    return 0;
}

struct Subcommand {
    const char* name;
    int (*run)(const CliArgs&);
};
const std::vector<Subcommand> kSubcommands = {{"migrate", migrate}, {"copy", copy}};

} // namespace

config::RegistryConfig postgresql_registry_of(const CliArgs& args, const std::string& option,
                                              const std::string& command, const std::string& usage) {
    config::RegistryConfig target;
    config::PostgresqlConfig pg;
    pg.url = *args.get(option);
    if (!pg.url.starts_with("postgresql://") && !pg.url.starts_with("postgres://"))
        throw UsageError(command + ": " + option + " must be a postgresql:// URL", usage);
    pg.password_file = args.get("--password-file").value_or("");
    pg.sslrootcert = args.get("--sslrootcert").value_or("");
    // As the configuration: the server proves who it is unless the operator says otherwise,
    // since the owner's password goes to whatever answers.
    if (!args.has("--sslmode") && pg.sslrootcert.empty())
        throw UsageError(command + ": " + option +
                             " needs --sslrootcert CA (the server verified by name) or an explicit "
                             "--sslmode (require, or disable on a trusted network)",
                         usage);
    pg.sslmode = args.get("--sslmode").value_or("verify-full");
    if (pg.sslmode != "disable" && pg.sslmode != "require" && pg.sslmode != "verify-ca" && pg.sslmode != "verify-full")
        throw UsageError(command + ": --sslmode must be disable, require, verify-ca or verify-full", usage);
    target.postgresql = pg;
    return target;
}

int run_store(const std::vector<std::string>& args) {
    const std::string& word = subcommand_word(args, 0, "store", kUsage);
    if (is_help(word)) {
        std::cout << kUsage;
        return 0;
    }
    const auto& sub = find_subcommand(kSubcommands, "store", word, kUsage);
    const auto rest = subcommand_args(args, 0);
    if (asks_for_help(rest)) {
        std::cout << kUsage;
        return 0;
    }
    CliArgs parsed;
    parse_subcommand_args("store", sub.name, kUsage, [&] {
        parsed = parse_args(rest,
                            {{"--config"}, {"--json", false}, {"--grant"}, {"--from"}, {"--to"}, {"--password-file"},
                             {"--sslmode"}, {"--sslrootcert"}},
                            0);
    });
    return sub.run(parsed);
}

} // namespace sekisho::ctl
