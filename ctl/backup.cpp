#include "ctl/backup.hpp"

#include "backup/create.hpp"
#include "backup/restore.hpp"
#include "backup/verify.hpp"
#include "ctl/store.hpp"
#include "operations/cli_args.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "pki/printable.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iostream>
#include <memory>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing sekishoctl's groups share

namespace {

const std::string kUsage =
    "usage: sekishoctl backup create --out DIR [--config FILE] [--passphrase-file F]\n"
    "                                [--keep N] [--daily D] [--monthly M] [--json]\n"
    "       sekishoctl backup verify DIR/GENERATION [--passphrase-file F] [--json]\n"
    "       sekishoctl backup restore DIR/GENERATION [--registry-into PATH|URL] [--files-into DIR]\n"
    "                                [--passphrase-file F] [--password-file F] [--sslmode M]\n"
    "                                [--sslrootcert CA] [--json]\n"
    "       sekishoctl backup prune --out DIR [--keep N] [--daily D] [--monthly M] [--dry-run] [--json]\n"
    "\n"
    "create   a new generation DIR/<JST time, e.g. 2026-12-07T020000+0900>: the registry as one\n"
    "         SQLite file (SQLite: the online backup API; PostgreSQL: every row read in one\n"
    "         REPEATABLE READ transaction), the configuration and the certificates and CRLs it\n"
    "         names, the audit seal's public key, and - with --passphrase-file - its private keys\n"
    "         and password files sealed (AES-256-GCM, key by scrypt from the passphrase). Keys on\n"
    "         a PKCS#11 token and the audit trail are not copied. manifest.json, written last,\n"
    "         lists every file with its size and SHA-256. Then prunes as 'prune' does.\n"
    "verify   re-hashes every file, checks the registry copy (integrity, row counts) and, with\n"
    "         --passphrase-file, opens every sealed file and checks the manifest against the\n"
    "         hash sealed beside it (manifest.seal). Exit 1 naming each broken file.\n"
    "restore  verifies, then writes the registry into a new SQLite file or an empty PostgreSQL\n"
    "         database (--registry-into), and the files into an empty or new folder\n"
    "         (--files-into) laid out as the configuration's folder was; files that lived\n"
    "         elsewhere go to outside/<their path>. Never overwrites anything.\n"
    "prune    keeps the newest --keep generations (default 10), with --daily D also the newest\n"
    "         of each of the last D days (JST), with --monthly M also the newest of each of the\n"
    "         M months before those; removes the others, and failed (manifest-less) generations\n"
    "         older than the newest complete one.\n"
    "\n"
    "--config FILE          default $SEKISHO_CONFIG or /etc/sekisho/sekisho.yaml\n"
    "--passphrase-file F    the passphrase on its first line (at least 12 characters; mode 0600).\n"
    "                       Keep it apart from the backups: whoever has both has the CA key.\n"
    "--registry-into URL    a postgresql:// URL: its password in --password-file, the server\n"
    "                       verified with --sslrootcert CA or an explicit --sslmode\n";

backup::Retention retention_of(const CliArgs& args) {
    backup::Retention r;
    if (auto v = args.get("--keep")) r.keep = static_cast<int>(parse_integer_option("--keep", *v, 1, 10000));
    if (auto v = args.get("--daily")) r.daily = static_cast<int>(parse_integer_option("--daily", *v, 0, 10000));
    if (auto v = args.get("--monthly")) r.monthly = static_cast<int>(parse_integer_option("--monthly", *v, 0, 10000));
    return r;
}

std::unique_ptr<backup::PassphraseSealer> sealer_of(const CliArgs& args) {
    const auto file = args.get("--passphrase-file");
    if (!file) return nullptr;
    return std::make_unique<backup::PassphraseSealer>(backup::read_passphrase_file(*file));
}

boost::json::array json_list(const std::vector<std::string>& names) {
    boost::json::array out;
    for (const auto& n : names) out.push_back(boost::json::string(n));
    return out;
}

void print_pruned(const backup::PruneReport& pruned, bool dry_run) {
    for (const auto& name : pruned.removed) std::cout << (dry_run ? "would remove " : "removed ") << name << "\n";
    for (const auto& name : pruned.incomplete)
        std::cout << "incomplete (no manifest; a create running or failed): " << name << "\n";
    std::cout << pruned.kept.size() << " generations kept\n";
}

int create(const CliArgs& args) {
    auto sealer = sealer_of(args);
    backup::CreateOptions options{args.require("--out"), config_path_of(args), sealer.get(), retention_of(args)};
    const auto report = backup::create_backup(options, std::chrono::system_clock::now());
    const auto& m = report.manifest;
    if (args.has("--json")) {
        boost::json::array omitted;
        for (const auto& o : m.omitted) omitted.push_back(boost::json::object{{"what", o.what}, {"why", o.why}});
        std::cout << boost::json::serialize(boost::json::object{{"generation", report.path},
                                                                {"files", m.files.size()},
                                                                {"sealed", m.has_secrets()},
                                                                {"omitted", omitted},
                                                                {"removed", json_list(report.pruned.removed)},
                                                                {"kept", json_list(report.pruned.kept)}})
                  << "\n";
        return 0;
    }
    std::cout << "backup " << report.path << ": " << m.files.size() << " files";
    if (m.registry_backend != "none")
        std::cout << ", registry " << pki::printable(m.registry_location) << " (schema " << m.schema_version
                  << ", ledger through seq " << m.last_ledger_seq << ")";
    std::cout << "\n";
    if (m.audit_head_seq != 0)
        std::cout << "audit trail " << pki::printable(m.audit_file) << ": head seq " << m.audit_head_seq << " (SHA-256 "
                  << m.audit_head_sha256 << ")\n";
    for (const auto& o : m.omitted) std::cout << "not included: " << pki::printable(o.what) << ": " << o.why << "\n";
    print_pruned(report.pruned, false);
    return 0;
}

int verify(const CliArgs& args) {
    if (args.positionals.size() != 1) throw UsageError("backup verify: give one generation folder", kUsage);
    auto sealer = sealer_of(args);
    const auto report = backup::verify_generation(args.positionals[0], sealer.get());
    if (args.has("--json")) {
        boost::json::object out{{"ok", report.ok()},
                                {"generation", report.path},
                                {"files_checked", report.files_checked},
                                {"secrets_checked", report.secrets_checked},
                                {"manifest_authenticated", report.manifest_authenticated},
                                {"problems", json_list(report.problems)}};
        if (report.registry) {
            boost::json::object rows;
            for (const auto& [t, n] : report.registry->rows) rows[t] = n;
            out["registry"] = boost::json::object{{"schema_version", report.registry->schema_version}, {"rows", rows}};
        }
        std::cout << boost::json::serialize(out) << "\n";
        return report.ok() ? 0 : 1;
    }
    if (!report.ok()) {
        for (const auto& p : report.problems) std::cout << "BROKEN: " << pki::printable(p) << "\n";
        return 1;
    }
    std::cout << "OK: " << report.path << ": " << report.files_checked << " files as the manifest says";
    if (report.registry) std::cout << ", registry sound (schema " << report.registry->schema_version << ")";
    if (report.manifest.has_secrets())
        std::cout << (report.secrets_checked ? ", every sealed file opens" : ", sealed files not opened (no --passphrase-file)");
    if (report.manifest_authenticated) std::cout << ", the manifest matches its seal";
    std::cout << "\n";
    return 0;
}

int restore(const CliArgs& args) {
    if (args.positionals.size() != 1) throw UsageError("backup restore: give one generation folder", kUsage);
    auto sealer = sealer_of(args);
    backup::RestoreOptions options{args.positionals[0], std::nullopt, args.get("--files-into"), sealer.get()};
    if (auto into = args.get("--registry-into")) {
        if (into->find("://") != std::string::npos) {
            options.registry_into = postgresql_registry_of(args, "--registry-into", "backup restore", kUsage);
        } else {
            options.registry_into = config::RegistryConfig{};
            options.registry_into->sqlite = *into;
        }
    }
    const auto report = backup::restore_backup(options);
    if (args.has("--json")) {
        boost::json::object out{{"files", json_list(report.files)}, {"outside", json_list(report.outside)}};
        if (!report.config.empty()) out["config"] = report.config;
        if (report.registry)
            out["registry"] = boost::json::object{{"to", report.registry->to}, {"last_ledger_seq", report.registry->last_ledger_seq}};
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    if (report.registry)
        std::cout << "registry restored into " << pki::printable(report.registry->to) << " (ledger through seq "
                  << report.registry->last_ledger_seq << ")\n";
    if (!report.files.empty())
        std::cout << report.files.size() << " files restored into " << *options.files_into << " (configuration "
                  << report.config << ")\n";
    for (const auto& path : report.outside)
        std::cout << "  from outside the configuration's folder: " << pki::printable(path) << "\n";
    return 0;
}

int prune(const CliArgs& args) {
    const bool dry_run = args.has("--dry-run");
    const auto report =
        backup::prune_generations(args.require("--out"), retention_of(args), std::chrono::system_clock::now(), dry_run);
    if (args.has("--json")) {
        std::cout << boost::json::serialize(boost::json::object{{"kept", json_list(report.kept)},
                                                                {"removed", json_list(report.removed)},
                                                                {"incomplete", json_list(report.incomplete)},
                                                                {"dry_run", dry_run}})
                  << "\n";
        return 0;
    }
    print_pruned(report, dry_run);
    return 0;
}

struct Subcommand {
    const char* name;
    int (*run)(const CliArgs&);
};
const std::vector<Subcommand> kSubcommands = {
    {"create", create}, {"verify", verify}, {"restore", restore}, {"prune", prune}};

} // namespace

int run_backup(const std::vector<std::string>& args) {
    const std::string& word = subcommand_word(args, 0, "backup", kUsage);
    if (is_help(word)) {
        std::cout << kUsage;
        return 0;
    }
    const auto& sub = find_subcommand(kSubcommands, "backup", word, kUsage);
    const auto rest = subcommand_args(args, 0);
    if (asks_for_help(rest)) {
        std::cout << kUsage;
        return 0;
    }
    CliArgs parsed;
    parse_subcommand_args("backup", sub.name, kUsage, [&] {
        parsed = parse_args(rest,
                            {{"--config"}, {"--json", false}, {"--out"}, {"--passphrase-file"}, {"--keep"}, {"--daily"},
                             {"--monthly"}, {"--dry-run", false}, {"--registry-into"}, {"--files-into"},
                             {"--password-file"}, {"--sslmode"}, {"--sslrootcert"}},
                            1);
    });
    return sub.run(parsed);
}

} // namespace sekisho::ctl
