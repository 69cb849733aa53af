// The offline-root flow of pki_init.hpp: the issuing CA's key and CSR on the gateway side,
// the signature on the root's machine, and the import of the signed certificate.
#include "ctl/pki_init.hpp"

#include "operations/device_output.hpp"
#include "pki/ca_chain.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/csr_build.hpp"
#include "pki/pem_io.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A root certificate we are asked to trust: self-signed and a CA.
pki::X509Ptr load_root(const std::string& path) {
    pki::X509Ptr root = load_first_certificate(path);
    if (!pki::is_ca_certificate(root.get()) || !pki::is_self_signed(root.get())) {
        throw std::runtime_error(path + ": " + pki::subject_of(root.get()) +
                                 " is not a self-signed CA certificate, so it cannot be the root");
    }
    return root;
}

// Whole days from now until the root expires, for the validity check of sign-ca.
long long days_left(X509* root) {
    const auto left = pki::not_after_of(root) - std::chrono::system_clock::now();
    return std::chrono::duration_cast<std::chrono::days>(left).count();
}

} // namespace

boost::json::object init_issuing_ca(const PkiSettings& settings) {
    const CaFiles files(settings.dir, settings.ca_name);
    std::vector<std::string> outputs = {files.ca_csr(), files.ca_cert()};
    if (!settings.ca_key) outputs.push_back(files.ca_key());
    refuse_existing(outputs, settings.force,
                    files.dir.string() + " already holds issuing CA " + files.ca_name);

    const CaKey ca_key = new_or_existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key());
    const std::string common_name = issuing_ca_common_name(settings.organization, settings.ca_name);
    const pki::X509ReqPtr csr = pki::create_csr(ca_key.key.get(), common_name, settings.organization);

    create_private_folder(files.dir);
    save_key(ca_key, files.ca_key());
    pki::write_file(files.ca_csr(), pki::csr_to_pem(csr.get()), 0644);
    return {{"dir", files.dir.string()},
            {"issuing_ca",
             {{"name", files.ca_name},
              {"csr", files.ca_csr()},
              {"subject",
               "CN=" + common_name + (settings.organization.empty() ? "" : ",O=" + settings.organization)},
              {"key", ca_key.location}}}};
}

boost::json::object sign_issuing_ca(const PkiSettings& settings) {
    const CaFiles root_files(settings.root_dir, settings.ca_name);
    refuse_existing({settings.out}, settings.force, "it would be overwritten by the new certificate");
    const pki::X509Ptr root = load_root(root_files.root_cert());
    if (days_left(root.get()) < settings.ca_days) {
        throw std::runtime_error("--ca-days " + std::to_string(settings.ca_days) +
                                 ": the issuing CA would outlive the root " + root_files.root_cert() +
                                 " (valid for " + std::to_string(days_left(root.get())) +
                                 " more days); choose fewer days");
    }

    const pki::X509ReqPtr csr = pki::parse_csr_pem(read_text_file(settings.csr));
    pki::CsrCheck check = pki::check_csr(csr.get(), pki::CsrPolicy{});
    if (!check.ok) throw std::runtime_error(settings.csr + ": refused: " + check.reason);
    const X509_NAME* subject = X509_REQ_get_subject_name(csr.get());
    pki::CaProfile profile{
        pki::name_entry(subject, NID_commonName), pki::name_entry(subject, NID_organizationName),
        pki::Validity::days_from_now(settings.ca_days), 0, root_crl_url(settings.crl_url_base).value_or("")};
    if (profile.common_name.empty())
        throw std::runtime_error(settings.csr + ": refused: the request has no subject CN");

    const CaKey root_key =
        existing_key(settings.root_key, settings.pkcs11_module, root_files.root_key(), "--root-key");
    const pki::X509Ptr ca =
        pki::create_intermediate_ca(check.public_key.get(), profile, {root.get(), root_key.key.get()});
    pki::write_certificates_pem(settings.out, {ca.get()});

    boost::json::object out =
        describe_certificate(ca.get(), std::filesystem::absolute(settings.out).string());
    out["issuer"] = pki::subject_of(root.get());
    out["root_fingerprint_sha256"] = pki::sha256_fingerprint_hex(root.get());
    out["crl_distribution_point"] = optional_text(root_crl_url(settings.crl_url_base));
    boost::json::array ignored;
    for (const auto& name : check.ignored_extensions)
        ignored.emplace_back(name);
    out["ignored_extensions"] = std::move(ignored);
    return out;
}

boost::json::object import_issuing_ca(const PkiSettings& settings) {
    const CaFiles files(settings.dir, settings.ca_name);
    refuse_existing({files.ca_cert()}, settings.force,
                    files.dir.string() + " already holds issuing CA " + files.ca_name);

    const pki::X509Ptr root = load_root(settings.root);
    const pki::X509Ptr ca = load_first_certificate(settings.cert);
    if (!pki::is_ca_certificate(ca.get())) {
        throw std::runtime_error(settings.cert + ": " + pki::subject_of(ca.get()) +
                                 " is not a CA certificate");
    }
    const CaKey ca_key = existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key(), "--ca-key");
    if (!pki::certificate_matches_key(ca.get(), ca_key.key.get())) {
        throw std::runtime_error(settings.cert + ": the certificate's public key is not that of " +
                                 ca_key.location + " (was it issued for another CSR?)");
    }
    if (const std::string error = pki::chain_error(ca.get(), root.get()); !error.empty()) {
        throw std::runtime_error(settings.cert + ": does not chain to the root " + settings.root + ": " +
                                 error);
    }
    pki::X509CrlPtr root_crl;
    if (settings.root_crl) {
        auto crls = pki::load_crls(*settings.root_crl);
        if (const std::string error = pki::crl_signature_error(crls.front().get(), root.get());
            !error.empty()) {
            throw std::runtime_error(*settings.root_crl + ": " + error);
        }
        root_crl = std::move(crls.front());
    }

    pki::write_certificates_pem(files.ca_cert(), {ca.get()});
    pki::write_certificates_pem(files.root_cert(), {root.get()});
    pki::write_certificates_pem(files.ca_bundle(), {ca.get(), root.get()});
    write_empty_crl(files.ca_crl(), {ca.get(), ca_key.key.get()}, settings.crl_days);
    if (root_crl) pki::write_crl_pem(files.root_crl(), root_crl.get());

    boost::json::object root_json = describe_certificate(root.get(), files.root_cert());
    root_json["key"] = nullptr; // stays with the offline root
    root_json["crl"] = root_crl ? boost::json::value(files.root_crl()) : boost::json::value(nullptr);
    return {{"dir", files.dir.string()},
            {"root_ca", std::move(root_json)},
            {"issuing_ca", issuing_summary(files, ca.get(), ca_key.location)}};
}

} // namespace sekisho::ctl
