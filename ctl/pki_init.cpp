#include "ctl/pki_init.hpp"

#include "pki/ca_chain.hpp"
#include "pki/pem_io.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace sekisho::ctl {

namespace {

void require_ca_inside_root(const PkiSettings& settings) {
    if (settings.ca_days > settings.root_days) {
        throw std::runtime_error("--ca-days " + std::to_string(settings.ca_days) + " exceeds --root-days " +
                                 std::to_string(settings.root_days) +
                                 ": the issuing CA must not outlive the root that vouches for it");
    }
}

pki::CaProfile root_profile(const PkiSettings& settings) {
    return {root_ca_common_name(settings.organization), settings.organization,
            pki::Validity::days_from_now(settings.root_days), std::nullopt, ""};
}

pki::CaProfile issuing_profile(const PkiSettings& settings) {
    return {issuing_ca_common_name(settings.organization, settings.ca_name), settings.organization,
            pki::Validity::days_from_now(settings.ca_days), 0,
            root_crl_url(settings.crl_url_base).value_or("")};
}

// Paths a new root (and with it, perhaps, an issuing CA) would overwrite. A key named on
// the command line is an input, not something we replace.
std::vector<std::string> outputs_of_root(const CaFiles& files, const PkiSettings& settings) {
    std::vector<std::string> paths = {files.root_cert()};
    if (!settings.root_key) paths.push_back(files.root_key());
    return paths;
}

} // namespace

boost::json::object init_pki(const PkiSettings& settings) {
    require_ca_inside_root(settings);
    const CaFiles files(settings.dir, settings.ca_name);
    std::vector<std::string> outputs = outputs_of_root(files, settings);
    outputs.push_back(files.ca_cert());
    if (!settings.ca_key) outputs.push_back(files.ca_key());
    refuse_existing(outputs, settings.force, files.dir.string() + " already holds a CA");

    // Keys first: a wrong PIN or URI fails before anything is written.
    const CaKey root_key = new_or_existing_key(settings.root_key, settings.pkcs11_module, files.root_key());
    const CaKey ca_key = new_or_existing_key(settings.ca_key, settings.pkcs11_module, files.ca_key());

    const pki::X509Ptr root = pki::create_root_ca(root_key.key.get(), root_profile(settings));
    const pki::Issuer root_issuer{root.get(), root_key.key.get()};
    const pki::X509Ptr ca =
        pki::create_intermediate_ca(ca_key.key.get(), issuing_profile(settings), root_issuer);
    const pki::Issuer ca_issuer{ca.get(), ca_key.key.get()};

    create_private_folder(files.dir);
    save_key(root_key, files.root_key());
    save_key(ca_key, files.ca_key());
    pki::write_certificates_pem(files.root_cert(), {root.get()});
    pki::write_certificates_pem(files.ca_cert(), {ca.get()});
    pki::write_certificates_pem(files.ca_bundle(), {ca.get(), root.get()});
    write_empty_crl(files.root_crl(), root_issuer, settings.root_crl_days);
    write_empty_crl(files.ca_crl(), ca_issuer, settings.crl_days);

    boost::json::object issuing = issuing_summary(files, ca.get(), ca_key.location);
    issuing["crl_distribution_point"] = optional_text(root_crl_url(settings.crl_url_base));
    return {{"dir", files.dir.string()},
            {"root_ca", root_summary(files, root.get(), root_key.location)},
            {"issuing_ca", std::move(issuing)}};
}

boost::json::object init_root(const PkiSettings& settings) {
    const CaFiles files(settings.dir, settings.ca_name);
    refuse_existing(outputs_of_root(files, settings), settings.force,
                    files.dir.string() + " already holds a root CA");
    const CaKey root_key = new_or_existing_key(settings.root_key, settings.pkcs11_module, files.root_key());
    const pki::X509Ptr root = pki::create_root_ca(root_key.key.get(), root_profile(settings));

    create_private_folder(files.dir);
    save_key(root_key, files.root_key());
    pki::write_certificates_pem(files.root_cert(), {root.get()});
    write_empty_crl(files.root_crl(), {root.get(), root_key.key.get()}, settings.root_crl_days);
    return {{"dir", files.dir.string()}, {"root_ca", root_summary(files, root.get(), root_key.location)}};
}

boost::json::object show_pki(const PkiSettings& settings) {
    namespace fs = std::filesystem;
    const CaFiles files(settings.dir, settings.ca_name);
    const bool have_root = fs::exists(files.root_cert());
    const bool have_ca = fs::exists(files.ca_cert());
    if (!have_root && !have_ca) {
        throw std::runtime_error(files.dir.string() + ": neither root-ca.crt nor " + files.ca_name +
                                 ".crt is there (create them with 'sekishoctl pki init')");
    }
    auto key_file = [](const std::string& path) -> std::optional<std::string> {
        return fs::exists(path) ? std::optional<std::string>(path) : std::nullopt;
    };
    boost::json::object out{{"dir", files.dir.string()}};
    if (have_root) {
        const pki::X509Ptr root = load_first_certificate(files.root_cert());
        out["root_ca"] = root_summary(files, root.get(), key_file(files.root_key()));
    }
    if (have_ca) {
        const pki::X509Ptr ca = load_first_certificate(files.ca_cert());
        out["issuing_ca"] = issuing_summary(files, ca.get(), key_file(files.ca_key()));
    }
    return out;
}

} // namespace sekisho::ctl
