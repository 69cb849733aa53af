// Status: per configured issuing CA (and any other issuer the registry names), how many
// active devices still hold a valid certificate of it. Retire: an earlier CA's remaining
// certificates revoked by the registry's one mass revocation, and the CA taken out of the
// client-certificate trust (tls.client_ca).
#include "ctl/pki_rollover.hpp"

#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"
#include "operations/device_revoke_many.hpp"
#include "ctl/pki_usage.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "enroll/issuing_ca.hpp"
#include "pki/certificate.hpp"
#include "pki/pem_io.hpp"
#include "store/clock.hpp"
#include "store/registry.hpp"

#include <boost/json.hpp>

#include <openssl/x509.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and the mass revocation it shares

namespace {

struct ConfiguredCa {
    const config::IssuingCaConfig* config;
    std::string role; // "current" or "previous"
    std::string registry_name;
};

std::vector<ConfiguredCa> configured_cas(const config::Config& cfg, const std::string& config_path) {
    if (cfg.enrollment.ca.certificate.empty())
        throw std::runtime_error(config_path + ": enrollment.ca is not configured: there is no issuing CA to roll over");
    std::vector<ConfiguredCa> out{{&cfg.enrollment.ca, "current", ""}};
    for (const auto& previous : cfg.enrollment.previous_cas) out.push_back({&previous, "previous", ""});
    for (auto& ca : out) ca.registry_name = enroll::registry_name_of_ca(ca.config->certificate);
    return out;
}

struct IssuerCount {
    std::size_t active_devices = 0;    // active, holding a valid certificate of the issuer
    std::size_t only_this_issuer = 0;  // ... and of no other issuer: revoked whole at retirement
    std::size_t suspended_devices = 0; // suspended, holding one
    std::size_t certificates = 0;      // valid certificates of devices not revoked
};

std::map<std::string, IssuerCount> count_by_issuer(store::DeviceRegistry& devices) {
    const store::UnixSeconds now = store::system_clock_now();
    std::map<std::string, IssuerCount> counts;
    for (const store::Device& device : devices.list_devices({}, {})) {
        if (device.status == store::DeviceStatus::revoked) continue;
        std::set<std::string> issuers;
        for (const auto& cert : device.certificates) {
            if (cert.revoked_at || cert.not_after <= now) continue;
            issuers.insert(cert.issuer);
            ++counts[cert.issuer].certificates;
        }
        for (const auto& issuer : issuers) {
            IssuerCount& c = counts[issuer];
            if (device.status == store::DeviceStatus::suspended) {
                ++c.suspended_devices;
            } else {
                ++c.active_devices;
                if (issuers.size() == 1) ++c.only_this_issuer;
            }
        }
    }
    return counts;
}

int do_status(const CliArgs& args) {
    const std::string config_path = config_path_of(args);
    const config::Config cfg = load_registry_config(config_path, "pki rollover");
    const auto cas = configured_cas(cfg, config_path);
    const auto registry = store::open_registry(cfg.registry);
    auto counts = count_by_issuer(registry->devices());

    boost::json::array rows_json;
    std::vector<std::vector<std::string>> rows = {
        {"CA", "ROLE", "REGISTRY NAME", "ACTIVE DEVICES", "ONLY ON THIS CA", "SUSPENDED", "CERTIFICATES"}};
    auto add = [&](const std::string& name, const std::string& role, const std::string& registry_name) {
        const IssuerCount c = counts.count(registry_name) ? counts.at(registry_name) : IssuerCount{};
        counts.erase(registry_name);
        rows_json.push_back({{"name", name},
                             {"role", role},
                             {"registry_name", registry_name},
                             {"active_devices", c.active_devices},
                             {"active_devices_only_on_this_ca", c.only_this_issuer},
                             {"suspended_devices", c.suspended_devices},
                             {"valid_certificates", c.certificates}});
        rows.push_back({name, role, registry_name, std::to_string(c.active_devices), std::to_string(c.only_this_issuer),
                        std::to_string(c.suspended_devices), std::to_string(c.certificates)});
    };
    for (const auto& ca : cas) add(ca.config->name, ca.role, ca.registry_name);
    const auto unconfigured = counts; // issuers the registry names that the configuration does not
    for (const auto& [issuer, count] : unconfigured) add("-", "not configured", issuer);

    if (args.has("--json")) {
        std::cout << json_line(boost::json::object{{"issuing_cas", std::move(rows_json)}});
    } else {
        std::cout << render_table(rows)
                  << "Retire a previous CA once its ACTIVE DEVICES have renewed (or are to be revoked):\n"
                     "  sekishoctl pki rollover retire --ca NAME --reason superseded|cACompromise --dry-run\n";
    }
    return 0;
}

// tls.client_ca without the retired CA's certificate; false when it was not in there.
bool remove_from_trust(const std::string& bundle, X509* retired) {
    auto certs = pki::load_certificates(bundle);
    std::vector<X509*> kept;
    for (const auto& cert : certs)
        if (X509_cmp(cert.get(), retired) != 0) kept.push_back(cert.get());
    if (kept.size() == certs.size()) return false;
    if (kept.empty())
        throw std::runtime_error("tls.client_ca " + bundle + " holds nothing but the retired CA: add the current "
                                 "CA's bundle to it first, or no terminal could connect");
    pki::write_certificates_pem(bundle, kept);
    return true;
}

int do_retire(const CliArgs& args) {
    const std::string config_path = config_path_of(args);
    const config::Config cfg = load_registry_config(config_path, "pki rollover");
    const auto cas = configured_cas(cfg, config_path);
    const std::string& name = args.require("--ca");
    const auto ca = std::find_if(cas.begin(), cas.end(), [&](const ConfiguredCa& c) { return c.config->name == name; });
    if (ca == cas.end())
        throw std::runtime_error(config_path + ": enrollment.previous_cas names no CA '" + name +
                                 "' (see 'sekishoctl pki rollover status')");
    if (ca->role == "current")
        throw std::runtime_error(config_path + ": '" + name + "' is enrollment.ca, the CA that signs today: make the "
                                 "new CA current first and list this one in enrollment.previous_cas");

    MassRevocationRequest request;
    request.criteria.issuer = ca->registry_name;
    request.reason = args.require("--reason");
    request.actor = actor_of(args);
    request.dry_run = args.has("--dry-run");
    request.confirmed = args.has("--yes");
    const auto registry = store::open_registry(cfg.registry);
    const bool preview = request.dry_run || !request.confirmed;
    const store::MassRevocation result =
        registry->devices().revoke_many(request.criteria, request.reason, request.actor, preview);

    // The revocation stands whatever happens to the file: a failure to write it is reported
    // with the outcome, not instead of it.
    bool removed = false;
    std::string trust_error;
    if (!preview) {
        try {
            removed = remove_from_trust(cfg.tls.client_ca,
                                        pki::load_certificates(ca->config->certificate).front().get());
        } catch (const std::exception& e) {
            trust_error = "the certificates are revoked, but " + name + " could not be removed from tls.client_ca: " +
                          e.what() + "; remove it by hand";
        }
    }
    const std::string next =
        preview ? "Nothing was changed" + std::string(request.dry_run ? "." : ": add --yes to retire the CA.")
                : "Now remove '" + name + "' from enrollment.previous_cas and its CRL " + ca->config->crl +
                      " from tls.crl, then restart the gateway (its revocations are on that CRL until then).";
    if (args.has("--json")) {
        boost::json::object out = mass_revocation_json(result, request);
        out["ca"] = name;
        out["client_ca"] = cfg.tls.client_ca;
        out["removed_from_client_ca"] = removed;
        if (!trust_error.empty()) out["error"] = trust_error;
        out["next_step"] = next;
        std::cout << json_line(out);
    } else {
        std::cout << mass_revocation_text(result, request);
        if (!preview && trust_error.empty())
            std::cout << (removed ? "Removed " + name + " from tls.client_ca " + cfg.tls.client_ca +
                                        " (each gateway drops it at its next reload).\n"
                                  : name + " was not in tls.client_ca " + cfg.tls.client_ca + ".\n");
        std::cout << next << "\n";
    }
    if (!trust_error.empty()) std::cerr << "sekishoctl pki rollover retire: " << trust_error << "\n";
    return (preview && !request.dry_run) || !trust_error.empty() ? 1 : 0;
}

void check_retire_reason(const CliArgs& args) {
    const std::string& reason = args.require("--reason");
    if (reason != "superseded" && reason != "cACompromise")
        throw std::invalid_argument("--reason '" + reason +
                                    "': retiring a CA is 'superseded' (a planned rollover) or 'cACompromise' "
                                    "(its key leaked)");
}

struct Subcommand {
    const char* name;
    std::vector<OptionSpec> options;
    void (*check)(const CliArgs&);
    int (*run)(const CliArgs&);
};

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> kList = {
        {"status", {}, [](const CliArgs&) {}, do_status},
        {"retire", {{"--ca"}, {"--reason"}, {"--dry-run", false}, {"--yes", false}},
         [](const CliArgs& a) {
             a.require("--ca");
             check_retire_reason(a);
         },
         do_retire},
    };
    return kList;
}

} // namespace

int run_pki_rollover(const std::vector<std::string>& args) {
    const std::string& word = subcommand_word(args, 0, "pki rollover", pki_rollover_usage());
    if (is_help(word)) {
        std::cout << pki_rollover_usage();
        return 0;
    }
    const auto& sub = find_subcommand(subcommands(), "pki rollover", word, pki_rollover_usage());
    const auto rest = subcommand_args(args, 0);
    if (asks_for_help(rest)) {
        std::cout << pki_rollover_usage(sub.name);
        return 0;
    }
    CliArgs parsed;
    parse_subcommand_args("pki rollover", sub.name, pki_rollover_usage(sub.name), [&] {
        parsed = parse_registry_args(rest, sub.options, 0);
        sub.check(parsed);
    });
    return sub.run(parsed);
}

} // namespace sekisho::ctl
