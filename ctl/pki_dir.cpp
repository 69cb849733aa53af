#include "ctl/pki_dir.hpp"

#include "operations/device_output.hpp"
#include "enroll/issuing_ca.hpp"
#include "pki/ca_chain.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"
#include "pki/pkcs11_uri.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace fs = std::filesystem;

CaFiles::CaFiles(const fs::path& folder, std::string issuing_ca_name)
    : dir(fs::absolute(folder).lexically_normal()), ca_name(std::move(issuing_ca_name)) {}

namespace {

std::string location_of(const std::string& spec) {
    return pki::is_pkcs11_uri(spec) ? pki::parse_pkcs11_uri(spec).masked : fs::absolute(spec).string();
}

} // namespace

CaKey new_or_existing_key(const std::optional<std::string>& spec, const std::string& pkcs11_module,
                          const std::string& new_key_path) {
    if (spec) return {pki::load_private_key(*spec, pkcs11_module), location_of(*spec), false};
    return {pki::PrivateKey(pki::generate_key(), nullptr), new_key_path, true};
}

CaKey existing_key(const std::optional<std::string>& spec, const std::string& pkcs11_module,
                   const std::string& key_path, const std::string& option) {
    if (spec) return {pki::load_private_key(*spec, pkcs11_module), location_of(*spec), false};
    if (!fs::exists(key_path)) {
        throw std::runtime_error(key_path + ": no such key file; name the key with " + option +
                                 " (a PEM file or a pkcs11: URI)");
    }
    return {pki::load_private_key(key_path), key_path, false};
}

void save_key(const CaKey& key, const std::string& file_path) {
    if (key.generated) {
        pki::write_private_key_pem(key.location, key.key.get());
    } else if (key.key.in_hardware()) {
        std::error_code ignored;
        fs::remove(file_path, ignored);
    }
}

void create_private_folder(const fs::path& dir) {
    if (fs::exists(dir)) {
        if (!fs::is_directory(dir)) throw std::runtime_error(dir.string() + ": exists and is not a folder");
        // Whoever else may write here can plant or swap the files a CA key is written to.
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0)
            throw std::runtime_error("cannot inspect the folder " + dir.string() + ": " + std::strerror(errno));
        if (st.st_uid != ::geteuid())
            throw std::runtime_error(dir.string() + ": the folder belongs to another user; a CA folder must be yours");
        if (st.st_mode & (S_IWGRP | S_IWOTH))
            throw std::runtime_error(dir.string() + ": the folder is writable by group or others; make it yours "
                                                    "alone (chmod 700) or use a new one");
        return;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) throw std::runtime_error("cannot create the folder " + dir.string() + ": " + ec.message());
}

void refuse_existing(const std::vector<std::string>& paths, bool force, const std::string& what) {
    if (force) return;
    for (const auto& path : paths) {
        if (fs::exists(path)) {
            throw std::runtime_error(path + " already exists: " + what +
                                     "; pass --force to replace it (replaced keys are lost for good)");
        }
    }
}

void write_empty_crl(const std::string& path, const pki::Issuer& issuer, int days) {
    const auto now = std::chrono::system_clock::now();
    pki::CrlProfile profile{now - std::chrono::minutes(5), now + std::chrono::days(days), 1, {}};
    pki::write_crl_pem(path, pki::build_crl(profile, issuer).get());
}

pki::X509Ptr load_first_certificate(const std::string& path) {
    auto certs = pki::load_certificates(path);
    return std::move(certs.front());
}

boost::json::object describe_certificate(X509* cert, const std::string& path) {
    const auto not_after = std::chrono::system_clock::to_time_t(pki::not_after_of(cert));
    return {
        {"certificate", path},
        {"subject", pki::subject_of(cert)},
        {"not_after", iso_time(static_cast<store::UnixSeconds>(not_after))},
        {"fingerprint_sha256", pki::sha256_fingerprint_hex(cert)},
    };
}

std::string root_ca_common_name(const std::string& organization) {
    return organization + " Root CA";
}

std::string issuing_ca_common_name(const std::string& organization, const std::string& ca_name) {
    return organization + (ca_name == kDefaultIssuingCaName ? " Device CA" : " " + ca_name);
}

boost::json::value optional_text(const std::optional<std::string>& text) {
    return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

boost::json::object root_summary(const CaFiles& files, X509* root, const std::optional<std::string>& key) {
    boost::json::object out = describe_certificate(root, files.root_cert());
    out["key"] = optional_text(key);
    out["crl"] = files.root_crl();
    return out;
}

boost::json::object issuing_summary(const CaFiles& files, X509* ca, const std::optional<std::string>& key) {
    boost::json::object out{{"name", files.ca_name}};
    for (const auto& item : describe_certificate(ca, files.ca_cert()))
        out.emplace(item.key(), item.value());
    out["key"] = optional_text(key);
    out["crl"] = files.ca_crl();
    out["bundle"] = files.ca_bundle();
    return out;
}

void check_ca_name(const std::string& name) {
    const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
    });
    if (name.empty() || !valid_chars || name.front() == '.' || name == "root-ca") {
        throw std::invalid_argument("--ca-name '" + name +
                                    "' must be letters, digits, '.', '_' or '-' (not starting with '.', "
                                    "not root-ca): it names the CA's files and its CRL URL");
    }
}

void check_crl_url_base(const std::string& base) {
    const auto scheme_end = base.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : base.substr(0, scheme_end);
    const bool has_host =
        scheme_end != std::string::npos && base.size() > scheme_end + 3 && base[scheme_end + 3] != '/';
    const bool printable = std::all_of(base.begin(), base.end(), [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
    });
    if ((scheme != "http" && scheme != "https") || !has_host || !printable ||
        base.find_first_of("?#") != std::string::npos) {
        throw std::invalid_argument(
            "--crl-url-base '" + base +
            "' must be an http:// or https:// URL without query or fragment, e.g. "
            "https://enroll.example.jp:8444 (the CRL is then <base>/crl/root-ca.crl)");
    }
}

std::optional<std::string> root_crl_url(const std::optional<std::string>& base) {
    if (!base) return std::nullopt;
    return enroll::crl_url(*base, kRootCaName);
}

} // namespace sekisho::ctl
