#include "ctl/audit.hpp"

#include "audit/audit_verify.hpp"
#include "ctl/cli_args.hpp"
#include "ctl/usage_error.hpp"
#include "pki/jws_verify.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

namespace sekisho::ctl {

namespace {

const std::string kUsage =
    "usage: sekishoctl audit verify FILE... [--key PUBLIC.pem] [--json]\n"
    "\n"
    "Checks an audit trail: every line a record, numbers without gaps, each record chained to\n"
    "the one before (SHA-256), and with --key every seal signed by the gateway's sealing key\n"
    "(its public key, a certificate, or the key file itself). Give rotated files oldest first\n"
    "and the live file last. Exit 0 with the record count, 1 naming the first broken record.\n";

int verify(const CliArgs& args) {
    if (args.positionals.empty()) throw UsageError("audit verify: no FILE given", kUsage);
    pki::EvpPkeyPtr key;
    if (auto path = args.get("--key")) key = pki::load_public_key_pem(*path);
    const auto result = audit::verify_chain(args.positionals, key.get());
    if (args.has("--json")) {
        boost::json::object out;
        out["ok"] = result.ok;
        out["records"] = result.records;
        out["seals"] = result.seals;
        out["seals_checked"] = static_cast<bool>(key);
        out["unsealed_tail"] = result.unsealed_tail;
        out["first_seq"] = result.first_seq;
        out["last_seq"] = result.last_seq;
        if (!result.ok) out["problem"] = result.problem;
        std::cout << boost::json::serialize(out) << "\n";
    } else if (result.ok) {
        std::cout << "OK: " << result.records << " records (seq " << result.first_seq << ".." << result.last_seq
                  << "), " << result.seals << " seals" << (key ? " verified" : " (not checked: no --key)") << ", "
                  << result.unsealed_tail << " records after the last seal\n";
    } else {
        std::cout << "BROKEN: " << result.problem << "\n";
    }
    return result.ok ? 0 : 1;
}

} // namespace

int run_audit(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("audit: missing subcommand", kUsage);
    if (is_help(args[0])) {
        std::cout << kUsage;
        return 0;
    }
    if (args[0] != "verify") throw UsageError("audit: unknown subcommand '" + args[0] + "'", kUsage);
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const auto& a : rest)
        if (is_help(a)) {
            std::cout << kUsage;
            return 0;
        }
    CliArgs parsed;
    try {
        parsed = parse_args(rest, {{"--key"}, {"--json", false}}, 1000);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("audit verify: ") + e.what(), kUsage);
    }
    return verify(parsed);
}

} // namespace sekisho::ctl
