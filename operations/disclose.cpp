// `disclose` (sekishoctl on the host, and the administration API in the gateway): answers the guideline's 【別紙】 MDS/SDS checklist from the
// configuration, the registry, the audit trail, the backup folder and the clock, as signed
// JSON, printable HTML, CSV or text; --against checks a hospital's policy; `disclose verify`
// checks a signed JSON with the gateway's public key alone.
#include "operations/disclose.hpp"

#include "config/load.hpp"
#include "disclosure/collect.hpp"
#include "disclosure/evaluate.hpp"
#include "disclosure/policy.hpp"
#include "disclosure/render_csv.hpp"
#include "disclosure/render_html.hpp"
#include "disclosure/render_json.hpp"
#include "operations/cli_args.hpp"
#include "operations/invocation.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "pki/jws_verify.hpp"
#include "pki/key_store.hpp"
#include "pki/pem_io.hpp"
#include "pki/printable.hpp"

#include <boost/json.hpp>

#include <iostream>
#include <ostream>
#include <memory>

namespace sekisho::operations {

namespace {

const std::string kUsage =
    "usage: sekishoctl disclose [--config FILE] [--lang ja|en] [--format json|html|csv|text] [--out FILE]\n"
    "                           [--against POLICY.yaml] [--unsigned]\n"
    "       sekishoctl disclose verify FILE --key PUBLIC.pem\n"
    "\n"
    "The self-disclosure (医療情報セキュリティ開示書, MDS/SDS): every item of the guideline's 【別紙】\n"
    "answered はい / いいえ / 対象外 from the configuration, the registry, the audit trail (last 30\n"
    "days), the backup folder (backup.dir: the newest generation is verified) and the clock, with\n"
    "what is configured (備考), the evidence (configuration keys, the tests that exercise it) and,\n"
    "for every いいえ, the setting that turns it into はい.\n"
    "\n"
    "  --config FILE     the gateway's configuration (default: $SEKISHO_CONFIG, else\n"
    "                    /etc/sekisho/sekisho.yaml)\n"
    "  --format F        json (default; signed with audit.seal_key as a JWS, RFC 7515 flattened\n"
    "                    JSON), html (printable on A4), csv (UTF-8 with BOM) or text\n"
    "  --lang L          ja (default: Japanese first, English beside it) or en\n"
    "  --out FILE        write there (mode 0644) instead of stdout\n"
    "  --unsigned        JSON without a signature (when the seal key cannot be read here)\n"
    "  --against FILE    check a hospital's policy (required answers, limits) and print the\n"
    "                    differences; exit status 1 when any requirement is not met, 0 when\n"
    "                    all are. The document itself is written only with --out.\n"
    "\n"
    "verify: checks that FILE (signed JSON) is unchanged and signed by the key whose public half\n"
    "is PUBLIC.pem (a public key, certificate or private key: the audit seal's public half, e.g.\n"
    "pki/audit-seal.pub of the demo or audit-seal.pub in a backup generation), then prints the\n"
    "document. Exit status 1 unless the file is byte for byte what the gateway signed.\n";

std::unique_ptr<pki::Es256Signer> seal_signer(const config::Config& config) {
    if (config.audit.seal_key.empty()) return nullptr;
    try {
        return std::make_unique<pki::Es256Signer>(pki::load_private_key(config.audit.seal_key, config.tls.pkcs11_module));
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot read the audit seal key (audit.seal_key " + config.audit.seal_key + "): " +
                                 e.what() + "; run as the gateway's user, or add --unsigned");
    }
}

std::string render_text(const disclosure::Document& d, disclosure::Lang lang) {
    const bool ja = lang == disclosure::Lang::ja;
    const auto s = d.summary();
    std::string out = std::string(ja ? "医療情報セキュリティ開示書（MDS/SDS）" : "Security disclosure (MDS/SDS)") + " — Sekisho " +
                      d.version + ", " + d.generated_at + "\n" + (ja ? "設定 " : "configuration ") + d.config_file +
                      " (SHA-256 " + d.config_sha256 + ")\n" + (ja ? "はい " : "yes ") + std::to_string(s.yes) +
                      (ja ? "  いいえ " : "  no ") + std::to_string(s.no) + (ja ? "  対象外 " : "  n/a ") +
                      std::to_string(s.not_applicable) + "\n\n";
    for (const auto& e : d.entries) {
        out += e.item.id + "  " + std::string(ja ? disclosure::answer_ja(e.answer) : disclosure::answer_en(e.answer)) + "\n";
        if (e.answer != disclosure::Answer::not_applicable) out += "    " + e.remarks.in(lang) + "\n";
        if (!e.remedy.empty()) out += "    " + std::string(ja ? "→ はいにするには: " : "→ to make it yes: ") + e.remedy.in(lang) + "\n";
    }
    return out;
}

int run_verify(const CliArgs& args, const Invocation& invocation) {
    if (args.positionals.size() != 1) throw UsageError("disclose verify: which FILE?", kUsage);
    const auto key_pem = invocation.read_file(args.require("--key"));
    const auto key = pki::load_public_key_pem_text(key_pem, args.require("--key"));
    const auto text = invocation.read_file(args.positionals[0]);
    const auto verified = disclosure::verify_signed_document(text, key.get());
    if (!verified) {
        throw std::runtime_error(args.positionals[0] +
                                 ": the signature does NOT verify with that key (changed, not signed by it, or not a "
                                 "signed disclosure)");
    }
    std::cerr << "signature good: signed by key " << pki::printable(verified->kid) << ", generated "
              << pki::printable(verified->generated_at) << "\n";
    *invocation.out << verified->json;
    return 0;
}

int run_document(const CliArgs& args, const Invocation& invocation) {
    const std::string format = args.get("--format").value_or("json");
    if (format != "json" && format != "html" && format != "csv" && format != "text")
        throw UsageError("disclose: --format wants json, html, csv or text, not '" + format + "'", kUsage);
    const std::string lang_text = args.get("--lang").value_or("ja");
    if (lang_text != "ja" && lang_text != "en") throw UsageError("disclose: --lang wants ja or en, not '" + lang_text + "'", kUsage);
    const auto lang = lang_text == "ja" ? disclosure::Lang::ja : disclosure::Lang::en;

    std::optional<disclosure::Policy> policy;
    if (const auto file = args.get("--against")) {
        if (invocation.remote) throw UsageError("disclose: --against runs on the host (sekishoctl disclose --against)", kUsage);
        try {
            policy = disclosure::load_policy(*file);
        } catch (const disclosure::PolicyError& e) {
            std::cerr << "sekishoctl disclose: policy " << pki::printable(e.what()) << "\n";
            return 2;
        }
    }
    if (invocation.remote && (args.has("--config") || args.has("--out")))
        throw UsageError("disclose: --config and --out are the host's; through the API the gateway's own configuration "
                         "answers and the document comes back to you",
                         kUsage);
    const config::Config config = invocation.config ? *invocation.config : config::load_file(config_path_of(args));
    const bool sign = format == "json" && !args.has("--unsigned");
    std::unique_ptr<pki::Es256Signer> signer;
    if (sign) {
        signer = seal_signer(config); // a JSON that should be signed and cannot be is an error
    } else if (format == "html" || format == "csv") {
        try {
            signer = seal_signer(config); // only for the key's fingerprint on the page
        } catch (const std::exception&) {
        }
    }
    disclosure::CollectOptions options;
    if (invocation.remote) {
        options.source = "gateway";
        options.registry = invocation.registry;
        options.reuse_for = 300; // the live page: the trail counted and the backup verified at most every 5 min
    }
    auto facts = disclosure::collect_facts(config, options);
    if (signer) facts.signing_key = signer->kid();
    const auto document = disclosure::build_document(facts);

    std::string text;
    if (format == "json") text = signer && sign ? disclosure::sign_document(document, *signer) : disclosure::render_json(document);
    else if (format == "html") text = disclosure::render_html(document, lang);
    else if (format == "csv") text = disclosure::render_csv(document, lang);
    else text = pki::printable(render_text(document, lang), pki::Newlines::keep); // for a terminal
    if (format == "json" && sign && !signer)
        std::cerr << "sekishoctl disclose: audit.seal_key is not set: the JSON is not signed\n";

    if (const auto out = args.get("--out")) {
        pki::write_file(*out, text, 0644);
        std::cerr << "disclosure written to " << *out << "\n";
    } else if (!policy) {
        *invocation.out << text;
    }
    if (!policy) return 0;

    const auto differences = disclosure::check_policy(*policy, document, facts);
    const std::string name = policy->name.empty() ? policy->file : policy->name;
    auto& out = *invocation.out;
    if (differences.empty()) {
        out << "policy met: " << pki::printable(name) << " (" << document.entries.size() << " items, "
                  << policy->limits.size() << " limits checked)\n";
        return 0;
    }
    out << differences.size() << " requirement(s) of " << pki::printable(name) << " not met:\n";
    for (const auto& d : differences) {
        out << "  " << pki::printable(d.subject) << ": required " << pki::printable(d.required.in(lang)) << ", is "
            << pki::printable(d.actual.in(lang)) << "\n";
    }
    return 1;
}

} // namespace

int run_disclose(const std::vector<std::string>& args, const Invocation& invocation) {
    if (!args.empty() && is_help(args[0])) {
        *invocation.out << kUsage;
        return 0;
    }
    const bool verify = !args.empty() && args[0] == "verify";
    const std::vector<std::string> rest(args.begin() + (verify ? 1 : 0), args.end());
    for (const auto& arg : rest)
        if (is_help(arg)) {
            *invocation.out << kUsage;
            return 0;
        }
    CliArgs parsed;
    try {
        parsed = verify ? parse_args(rest, {{"--key"}}, 1)
                        : parse_args(rest, {{"--config"}, {"--lang"}, {"--format"}, {"--out"}, {"--against"}, {"--unsigned", false}}, 0);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("disclose: ") + e.what(), kUsage);
    }
    return verify ? run_verify(parsed, invocation) : run_document(parsed, invocation);
}

} // namespace sekisho::operations
