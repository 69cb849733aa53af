#include "ctl/demo_pki.hpp"

#include "ctl/pki_dir.hpp"
#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "pki/keygen.hpp"
#include "pki/jws_verify.hpp"
#include "pki/pem_io.hpp"

namespace sekisho::ctl {

namespace {

constexpr const char* kDemoOrganization = "Sekisho Demo"; // the operator, not a facility
constexpr int kRootDays = 3650;
constexpr int kIssuingCaDays = 1825;
constexpr int kLeafDays = 365;
constexpr int kCrlDays = 30;      // the gateway re-issues the device CA's CRL anyway
constexpr int kRootCrlDays = 180; // as `pki init` makes it: nothing renews the root's CRL

} // namespace

DemoPki create_demo_pki(const std::filesystem::path& pki_dir, const std::string& crl_url_base) {
    namespace fs = std::filesystem;
    DemoPki result;
    result.dir = fs::absolute(pki_dir);
    auto file = [&](const char* name) { return (result.dir / name).string(); };

    // Root CA: the gateway's trust anchor for terminals, and the issuer of the server cert.
    pki::EvpPkeyPtr root_key = pki::generate_key();
    pki::CaProfile root_profile{"Sekisho Demo Root CA", kDemoOrganization,
                                pki::Validity::days_from_now(kRootDays), std::nullopt, ""};
    pki::X509Ptr root = pki::create_root_ca(root_key.get(), root_profile);
    const pki::Issuer root_issuer{root.get(), root_key.get()};
    pki::write_private_key_pem(file("root-ca.key"), root_key.get());
    pki::write_certificates_pem(file("root-ca.crt"), {root.get()});
    write_empty_crl(file("root-ca.crl"), root_issuer, kRootCrlDays); // the gateway wants one per CA

    // Device-issuing CA: signs terminal certificates only (pathlen 0).
    pki::EvpPkeyPtr device_ca_key = pki::generate_key();
    pki::CaProfile device_ca_profile{"Sekisho Demo Device-Issuing CA", kDemoOrganization,
                                     pki::Validity::days_from_now(kIssuingCaDays), 0,
                                     root_crl_url(crl_url_base).value_or("")};
    pki::X509Ptr device_ca =
        pki::create_intermediate_ca(device_ca_key.get(), device_ca_profile, root_issuer);
    const pki::Issuer device_issuer{device_ca.get(), device_ca_key.get()};
    pki::write_private_key_pem(file("device-ca.key"), device_ca_key.get());
    pki::write_certificates_pem(file("device-ca.crt"), {device_ca.get()});
    pki::write_certificates_pem(file("device-ca-bundle.pem"), {device_ca.get(), root.get()});
    write_empty_crl(file("device-ca.crl"), device_issuer, kCrlDays);

    // Gateway server certificate, issued by the root so terminals pin root-ca.crt only.
    pki::EvpPkeyPtr server_key = pki::generate_key();
    pki::CertificateProfile server_profile;
    server_profile.common_name = "localhost";
    server_profile.organization = kDemoOrganization;
    server_profile.dns_names = {"localhost"};
    server_profile.ip_addresses = {"127.0.0.1", "::1"};
    server_profile.server_auth = true;
    server_profile.validity = pki::Validity::days_from_now(kLeafDays);
    pki::X509Ptr server = pki::issue_certificate(server_key.get(), server_profile, root_issuer);
    pki::write_private_key_pem(file("server.key"), server_key.get());
    pki::write_certificates_pem(file("server.crt"), {server.get()});

    // Signing key for the identity assertion handed to backends (ES256).
    pki::write_private_key_pem(file("assertion.key"), pki::generate_key().get());

    // Sealing key of the audit trail; its public half is what an investigator verifies with.
    auto seal_key = pki::generate_key();
    pki::write_private_key_pem(file("audit-seal.key"), seal_key.get());
    pki::write_file(file("audit-seal.pub"), pki::public_key_to_pem(seal_key.get()));

    result.root_fingerprint = pki::sha256_fingerprint_hex(root.get());
    return result;
}

} // namespace sekisho::ctl
