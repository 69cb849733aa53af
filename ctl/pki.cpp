#include "ctl/pki.hpp"

#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"
#include "ctl/pki_init.hpp"
#include "ctl/pki_rollover.hpp"
#include "ctl/pki_usage.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"

#include "pki/crl.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <iostream>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

struct Subcommand {
    const char* name;
    std::vector<std::string> options; // beyond --json
    std::vector<std::string> flags;   // options without a value
    std::vector<std::string> required;
    boost::json::object (*run)(const PkiSettings&);
};

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> kList = {
        {"init",
         {"--dir", "--root-key", "--ca-key", "--pkcs11-module", "--org", "--root-days", "--ca-days",
          "--crl-days", "--root-crl-days", "--crl-url-base", "--ca-name"},
         {"--force"},
         {"--dir"},
         init_pki},
        {"init-root",
         {"--dir", "--root-key", "--pkcs11-module", "--org", "--root-days", "--root-crl-days"},
         {"--force"},
         {"--dir"},
         init_root},
        {"init-ca",
         {"--dir", "--ca-key", "--pkcs11-module", "--org", "--ca-name"},
         {"--force"},
         {"--dir"},
         init_issuing_ca},
        {"sign-ca",
         {"--root-dir", "--csr", "--out", "--ca-days", "--crl-url-base", "--root-key", "--pkcs11-module"},
         {"--force"},
         {"--root-dir", "--csr", "--out"},
         sign_issuing_ca},
        {"import-ca",
         {"--dir", "--cert", "--root", "--root-crl", "--ca-key", "--pkcs11-module", "--crl-days",
          "--ca-name"},
         {"--force"},
         {"--dir", "--cert", "--root"},
         import_issuing_ca},
        {"crl-root",
         {"--dir", "--root-key", "--pkcs11-module", "--days", "--revoke-ca", "--reason", "--out"},
         {},
         {"--dir"},
         resign_root_crl},
        {"show", {"--dir", "--ca-name"}, {}, {"--dir"}, show_pki},
        {"assertion-key", {"--out"}, {"--force"}, {"--out"}, new_assertion_key},
        {"operator-ca", {"--dir", "--ca-key", "--pkcs11-module", "--org", "--ca-days", "--days"}, {"--force"},
         {"--dir"}, init_operator_ca},
        {"operator-cert", {"--dir", "--user", "--out", "--ca-key", "--pkcs11-module", "--org", "--days"},
         {"--force"}, {"--dir", "--user", "--out"}, issue_operator_certificate},
        {"operator-revoke", {"--dir", "--cert", "--reason", "--days", "--ca-key", "--pkcs11-module"}, {},
         {"--dir", "--cert"}, revoke_operator_certificate},
    };
    return kList;
}

// Options that may be given several times, in pairs (crl-root: --revoke-ca F --reason R).
bool is_repeatable(const std::string& option) {
    return option == "--revoke-ca" || option == "--reason";
}

std::vector<PkiSettings::RevokedCa> revoked_cas_of(const CliArgs& args) {
    const auto certificates = args.all("--revoke-ca");
    const auto reasons = args.all("--reason");
    if (certificates.size() != reasons.size())
        throw std::invalid_argument("give each --revoke-ca CERTFILE its --reason (e.g. cACompromise, superseded, "
                                    "cessationOfOperation): " + std::to_string(certificates.size()) +
                                    " certificates, " + std::to_string(reasons.size()) + " reasons");
    std::vector<PkiSettings::RevokedCa> out;
    for (std::size_t i = 0; i < certificates.size(); ++i) {
        pki::RevocationReason reason{};
        try {
            reason = pki::parse_revocation_reason(reasons[i]);
        } catch (const std::runtime_error& e) {
            throw std::invalid_argument(std::string("--reason: ") + e.what());
        }
        if (reason == pki::RevocationReason::remove_from_crl || reason == pki::RevocationReason::certificate_hold)
            throw std::invalid_argument("--reason " + reasons[i] +
                                        " cannot revoke a CA on a full CRL; use cACompromise, superseded or "
                                        "cessationOfOperation");
        out.push_back({certificates[i], reasons[i]});
    }
    return out;
}

int days_option(const CliArgs& args, const std::string& option, int fallback, int max) {
    auto text = args.get(option);
    return text ? static_cast<int>(parse_integer_option(option, *text, 1, max)) : fallback;
}

// Throws std::invalid_argument for a malformed value, before anything is touched.
PkiSettings settings_of(const CliArgs& args) {
    PkiSettings s;
    s.dir = args.get("--dir").value_or("");
    s.root_key = args.get("--root-key");
    s.ca_key = args.get("--ca-key");
    s.pkcs11_module = args.get("--pkcs11-module").value_or("");
    s.organization = args.get("--org").value_or(s.organization);
    s.ca_name = args.get("--ca-name").value_or(s.ca_name);
    check_ca_name(s.ca_name);
    s.root_days = days_option(args, "--root-days", s.root_days, 36500);
    s.ca_days = days_option(args, "--ca-days", s.ca_days, 36500);
    s.crl_days = days_option(args, "--crl-days", s.crl_days, 366);
    s.root_crl_days = days_option(args, "--root-crl-days", s.root_crl_days, 366);
    s.crl_url_base = args.get("--crl-url-base");
    if (s.crl_url_base) check_crl_url_base(*s.crl_url_base);
    s.force = args.has("--force");
    s.root_dir = args.get("--root-dir").value_or("");
    s.csr = args.get("--csr").value_or("");
    s.out = args.get("--out").value_or("");
    s.cert = args.get("--cert").value_or("");
    s.root = args.get("--root").value_or("");
    s.root_crl = args.get("--root-crl");
    s.user = args.get("--user").value_or("");
    s.reason = args.get("--reason"); // operator-revoke
    if (args.has("--days")) s.days = days_option(args, "--days", 0, 3650);
    s.revoke_ca = revoked_cas_of(args); // crl-root
    if (s.reason) {
        try {
            pki::parse_revocation_reason(*s.reason); // a typo is a usage error
        } catch (const std::runtime_error& e) {
            throw std::invalid_argument(std::string("--reason: ") + e.what());
        }
    }
    return s;
}

// "AB:CD:..." as `openssl x509 -fingerprint -sha256` prints it, for reading aloud.
std::string openssl_fingerprint(const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i > 0) out += ':';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i])));
        if (i + 1 < hex.size())
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i + 1])));
    }
    return out;
}

std::string text_of(const boost::json::value& value) {
    if (value.is_string()) return std::string(value.as_string());
    if (value.is_object() && value.as_object().contains("serial")) { // a CRL entry
        const auto& entry = value.as_object();
        return text_of(entry.at("serial")) + " (" + text_of(entry.at("reason")) + ", " +
               text_of(entry.at("revoked_at")) + ")";
    }
    if (value.is_null()) return "-";
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value.as_array())
            out += (out.empty() ? "" : ", ") + text_of(item);
        return out.empty() ? "-" : out;
    }
    return boost::json::serialize(value);
}

std::vector<std::vector<std::string>> rows_of(const boost::json::object& object, const std::string& indent) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& item : object) {
        const std::string key(item.key());
        if (item.value().is_object() || key == "publish") continue;
        if (key.ends_with("fingerprint_sha256")) {
            rows.push_back({indent + key.substr(0, key.size() - 18) + "SHA-256",
                            openssl_fingerprint(std::string(item.value().as_string()))});
        } else {
            rows.push_back({indent + key, text_of(item.value())});
        }
    }
    return rows;
}

// The summary as an operator reads it: top-level values, then one block per CA.
std::string summary_text(const boost::json::object& summary) {
    std::vector<std::vector<std::string>> rows = rows_of(summary, "");
    for (const auto& [key, label] :
         {std::pair{"root_ca", "root CA"}, std::pair{"issuing_ca", "issuing CA"}}) {
        if (!summary.contains(key)) continue;
        rows.push_back({label});
        auto block = rows_of(summary.at(key).as_object(), "  ");
        rows.insert(rows.end(), block.begin(), block.end());
    }
    std::string out = render_table(rows);
    if (summary.contains("publish")) {
        out += "\nPublish it:\n";
        int step = 0;
        for (const auto& line : summary.at("publish").as_array())
            out += "  " + std::to_string(++step) + ". " + text_of(line) + "\n";
    }
    if (summary.contains("root_ca") || summary.contains("root_fingerprint_sha256")) {
        out += "\nCompare the root's SHA-256 fingerprint with the one you received out of band before\n"
               "trusting it anywhere.\n";
    }
    return out;
}

} // namespace

int run_pki(const std::vector<std::string>& args) {
    const std::string& word = subcommand_word(args, 0, "pki", pki_usage());
    if (is_help(word)) {
        std::cout << pki_usage();
        return 0;
    }
    if (word == "rollover") return run_pki_rollover({args.begin() + 1, args.end()});
    const auto& sub = find_subcommand(subcommands(), "pki", word, pki_usage());

    const std::string& usage = pki_usage(sub.name);
    const auto rest = subcommand_args(args, 0);
    if (asks_for_help(rest)) {
        std::cout << usage;
        return 0;
    }
    std::vector<OptionSpec> options = {{"--json", false}};
    for (const auto& name : sub.options)
        options.push_back({name, true, is_repeatable(name)});
    for (const auto& name : sub.flags)
        options.push_back({name, false});
    PkiSettings settings;
    bool json = false;
    parse_subcommand_args("pki", sub.name, usage, [&] {
        const CliArgs parsed = parse_args(rest, options, 0);
        for (const auto& option : sub.required)
            parsed.require(option);
        settings = settings_of(parsed);
        // A root CRL is signed rarely, but relying parties should see its revocations within a year.
        if (std::string_view(sub.name) == "crl-root" && settings.days && *settings.days > 366)
            throw std::invalid_argument("--days wants a whole number from 1 to 366, not " + std::to_string(*settings.days));
        json = parsed.has("--json");
    });
    const boost::json::object summary = sub.run(settings);
    std::cout << (json ? json_line(summary) : summary_text(summary));
    return 0;
}

} // namespace sekisho::ctl
