// sekishoctl pki operator-ca / operator-cert / operator-revoke: the operator CA, apart from the CAs of terminals,
// and the certificates of administrators (subject CN = their user id in the registry), which
// the admin listener asks for (admin.tls.client_ca) before the administration API takes a
// password. A terminal certificate can never open the administration API, nor an operator
// certificate a terminal route: each listener trusts only its own CA.
#include "ctl/pki_dir.hpp"
#include "ctl/pki_init.hpp"

#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"
#include "store/user_registry.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace sekisho::ctl {
namespace {

constexpr const char* kOperatorCa = "operator-ca";

} // namespace

boost::json::object init_operator_ca(const PkiSettings& settings) {
    const CaFiles files(settings.dir, kOperatorCa);
    refuse_existing({files.ca_cert(), files.ca_crl()}, settings.force, files.dir.string() + " already holds an operator CA");
    const CaKey key = new_or_existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key());
    const pki::CaProfile profile{settings.organization + " Operator CA", settings.organization,
                                 pki::Validity::days_from_now(settings.ca_days), 0, ""};
    const pki::X509Ptr ca = pki::create_root_ca(key.key.get(), profile);
    create_private_folder(files.dir);
    save_key(key, files.ca_key());
    pki::write_certificates_pem(files.ca_cert(), {ca.get()});
    write_empty_crl(files.ca_crl(), {ca.get(), key.key.get()}, settings.days.value_or(180));
    auto summary = describe_certificate(ca.get(), files.ca_cert());
    summary["key"] = key.location;
    summary["crl"] = files.ca_crl();
    return {{"dir", files.dir.string()},
            {"operator_ca", std::move(summary)},
            {"next_step", "set admin.tls.client_ca: " + files.ca_cert() + " and admin.tls.crl: [" + files.ca_crl() +
                              "]; issue each administrator's certificate with 'sekishoctl pki operator-cert'"}};
}

boost::json::object issue_operator_certificate(const PkiSettings& settings) {
    if (!store::is_valid_user_id(settings.user))
        throw std::invalid_argument("--user '" + settings.user + "' is not a user id (1 to 64 of A-Z a-z 0-9 . _ @ -)");
    const CaFiles files(settings.dir, kOperatorCa);
    const CaKey ca_key = existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key(), "--ca-key");
    const pki::X509Ptr ca = load_first_certificate(files.ca_cert());
    const std::string cert_path = settings.out + ".crt";
    const std::string key_path = settings.out + ".key";
    refuse_existing({cert_path, key_path}, settings.force, "the operator certificate would overwrite it");
    const auto key = pki::generate_key();
    pki::CertificateProfile profile;
    profile.common_name = settings.user;
    profile.organization = settings.organization;
    profile.client_auth = true;
    profile.validity = pki::Validity::days_from_now(settings.days.value_or(365));
    const pki::X509Ptr cert = pki::issue_certificate(key.get(), profile, {ca.get(), ca_key.key.get()});
    pki::write_file(key_path, pki::private_key_to_pem(key.get()), 0600);
    pki::write_certificates_pem(cert_path, {cert.get()});
    auto summary = describe_certificate(cert.get(), cert_path);
    summary["key"] = key_path;
    summary["serial"] = pki::serial_hex_of(cert.get());
    return {{"operator", settings.user},
            {"certificate", std::move(summary)},
            {"next_step", "hand the two files to " + settings.user +
                              " for their management terminal (sekishoctl --remote URL --cert " + cert_path +
                              " --key " + key_path + "); the account needs an administration role "
                              "(admin, operator, security or auditor) and a password"}};
}

boost::json::object revoke_operator_certificate(const PkiSettings& settings) {
    const CaFiles files(settings.dir, kOperatorCa);
    const CaKey ca_key = existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key(), "--ca-key");
    const pki::X509Ptr ca = load_first_certificate(files.ca_cert());
    const pki::X509Ptr leaving = load_first_certificate(settings.cert);
    if (X509_check_issued(ca.get(), leaving.get()) != X509_V_OK)
        throw std::runtime_error(settings.cert + ": not issued by the operator CA " + files.ca_cert());
    const pki::RevocationReason reason = pki::parse_revocation_reason(settings.reason.value_or("affiliationChanged"));
    // The CRL signed again: what it listed, this certificate, a higher number.
    const auto old = pki::load_crls(files.ca_crl());
    const pki::CrlContents listed_before = pki::read_crl(old.front().get(), files.ca_crl());
    std::vector<pki::RevokedCertificate> revoked = listed_before.revoked;
    const std::string serial = pki::serial_hex_of(leaving.get());
    const auto now = std::chrono::system_clock::now();
    const bool listed = std::any_of(revoked.begin(), revoked.end(), [&](const auto& r) { return r.serial_hex == serial; });
    if (!listed) revoked.push_back({serial, now, reason});
    const std::uint64_t seconds = static_cast<std::uint64_t>(std::chrono::system_clock::to_time_t(now));
    pki::CrlProfile profile{now - std::chrono::minutes(5), now + std::chrono::days(settings.days.value_or(180)),
                            std::max(listed_before.crl_number + 1, seconds), revoked};
    pki::write_crl_pem(files.ca_crl(), pki::build_crl(profile, {ca.get(), ca_key.key.get()}).get());
    return {{"revoked", pki::common_name_of(leaving.get())},
            {"serial", serial},
            {"already_listed", listed},
            {"crl", files.ca_crl()},
            {"entries", revoked.size()},
            {"next_step", "copy " + files.ca_crl() + " to admin.tls.crl on every gateway and reload them (SIGHUP): "
                          "the next connection with that certificate is refused"}};
}

} // namespace sekisho::ctl
