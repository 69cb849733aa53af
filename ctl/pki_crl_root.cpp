// `sekishoctl pki crl-root`: the offline root re-signs its CRL. The gateway refuses every
// terminal once a CRL in tls.crl is past its nextUpdate (180 days after `pki init` by
// default), so this is routine work on the root's machine, and also how an issuing CA whose
// key leaked is revoked. Every entry of the current CRL is kept with its date and reason;
// the crlNumber grows; the file is replaced in one rename.
#include "ctl/pki_init.hpp"

#include "operations/device_output.hpp"
#include "pki/ca_chain.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/pem_io.hpp"

#include <boost/json.hpp>
#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing it shares

namespace {

// --days (at most 366, checked with the options), else 180.
int root_crl_days(const PkiSettings& settings) { return settings.days.value_or(settings.root_crl_days); }

store::UnixSeconds unix_of(pki::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The CRL the root signed last: it must be the root's own, or its entries mean nothing.
pki::CrlContents current_entries(const std::string& path, X509* root) {
    if (!std::filesystem::exists(path))
        throw std::runtime_error(path + ": no root CRL to re-sign; 'pki init-root' writes the first one "
                                        "(or give --dir the folder that holds root-ca.crt and root-ca.crl)");
    auto crls = pki::load_crls(path);
    if (const std::string error = pki::crl_signature_error(crls.front().get(), root); !error.empty())
        throw std::runtime_error(path + ": not signed by the root " + pki::subject_of(root) + " (" + error +
                                 "); refusing to carry its entries over");
    return pki::read_crl(crls.front().get(), path);
}

// An issuing CA certificate the root signed: a CA, issued by this root, with a valid signature.
pki::X509Ptr issued_ca(const std::string& path, X509* root) {
    pki::X509Ptr ca = load_first_certificate(path);
    if (!pki::is_ca_certificate(ca.get()))
        throw std::runtime_error(path + ": " + pki::subject_of(ca.get()) + " is not a CA certificate");
    if (X509_cmp(ca.get(), root) == 0)
        throw std::runtime_error(path + ": is the root itself; a root is retired by removing it from trust, "
                                        "not by its own CRL");
    EVP_PKEY* root_key = X509_get0_pubkey(root);
    if (X509_check_issued(root, ca.get()) != X509_V_OK || root_key == nullptr || X509_verify(ca.get(), root_key) != 1)
        throw std::runtime_error(path + ": " + pki::subject_of(ca.get()) + " was not issued by the root " +
                                 pki::subject_of(root));
    return ca;
}

boost::json::object entry_json(const pki::RevokedCertificate& entry) {
    return {{"serial", entry.serial_hex},
            {"revoked_at", iso_time(unix_of(entry.revoked_at))},
            {"reason", pki::to_string(entry.reason)}};
}

boost::json::array publish_steps(const std::string& written, const std::string& next_update) {
    boost::json::array steps;
    for (const std::string& step : std::initializer_list<std::string>{
             "Copy " + written + " to each gateway, over the file named root-ca.crl in its tls.crl (e.g. "
             "/etc/sekisho/pki/root-ca.crl), keeping mode 0644.",
             "Reload each gateway (systemctl reload sekisho, i.e. SIGHUP): terminals are checked against the "
             "new CRL from then on; the enrollment listener serves it at <enrollment.public_url>/crl/root-ca.crl "
             "at once.",
             "Re-sign it again before " + next_update + ": the gateway warns ahead (alerts), and refuses every "
             "terminal once it has expired."})
        steps.emplace_back(step);
    return steps;
}

} // namespace

boost::json::object resign_root_crl(const PkiSettings& settings) {
    const CaFiles files(settings.dir, settings.ca_name);
    const pki::X509Ptr root = load_first_certificate(files.root_cert());
    pki::CrlContents contents = current_entries(files.root_crl(), root.get());
    const auto now = std::chrono::system_clock::now();

    boost::json::array added, kept;
    for (const auto& entry : contents.revoked) kept.push_back(entry_json(entry));
    for (const auto& revoke : settings.revoke_ca) {
        const pki::X509Ptr ca = issued_ca(revoke.certificate, root.get());
        const std::string serial = pki::serial_hex_of(ca.get());
        const bool listed = std::any_of(contents.revoked.begin(), contents.revoked.end(),
                                        [&](const auto& e) { return e.serial_hex == serial; });
        if (listed) continue; // the first revocation's date and reason stand
        contents.revoked.push_back({serial, now, pki::parse_revocation_reason(revoke.reason)});
        boost::json::object item = entry_json(contents.revoked.back());
        item["subject"] = pki::subject_of(ca.get());
        item["certificate"] = std::filesystem::absolute(revoke.certificate).string();
        added.push_back(std::move(item));
    }

    // The key last: a wrong PIN fails after the inputs were checked, and nothing is written.
    const CaKey root_key = existing_key(settings.root_key, settings.pkcs11_module, files.root_key(), "--root-key");
    pki::CrlProfile profile{now - std::chrono::minutes(5), now + std::chrono::days(root_crl_days(settings)),
                            contents.crl_number + 1, contents.revoked};
    const pki::X509CrlPtr crl = pki::build_crl(profile, {root.get(), root_key.key.get()});
    const std::string out =
        settings.out.empty() ? files.root_crl() : std::filesystem::absolute(settings.out).string();
    pki::write_crl_pem(out, crl.get());

    const std::string next_update = iso_time(unix_of(profile.next_update));
    return {{"crl", out},
            {"issuer", pki::subject_of(root.get())},
            {"crl_number", profile.crl_number},
            {"this_update", iso_time(unix_of(profile.this_update))},
            {"next_update", next_update},
            {"kept", std::move(kept)},
            {"added", std::move(added)},
            {"key", root_key.location},
            {"publish", publish_steps(out, next_update)}};
}

} // namespace sekisho::ctl
