// A CA folder as `sekishoctl pki` lays it out, and what its subcommands share: getting a CA
// key (a new one in software, or an existing one in a file or on a PKCS#11 token), empty
// CRLs, and describing a CA certificate for the operator.
#pragma once

#include "pki/ca.hpp"
#include "pki/key_store.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

inline constexpr const char* kDefaultIssuingCaName = "device-ca";
inline constexpr const char* kRootCaName = "root-ca"; // its files, and its CRL's URL

// The files of one CA folder. The root is always root-ca.*, the issuing CA <ca_name>.*.
struct CaFiles {
    std::filesystem::path dir; // absolute
    std::string ca_name = kDefaultIssuingCaName;

    CaFiles(const std::filesystem::path& folder, std::string issuing_ca_name);
    std::string file(const std::string& name) const { return (dir / name).string(); }
    std::string root_cert() const { return file(std::string(kRootCaName) + ".crt"); }
    std::string root_key() const { return file(std::string(kRootCaName) + ".key"); }
    std::string root_crl() const { return file(std::string(kRootCaName) + ".crl"); }
    std::string ca_cert() const { return file(ca_name + ".crt"); }
    std::string ca_key() const { return file(ca_name + ".key"); }
    std::string ca_crl() const { return file(ca_name + ".crl"); }
    std::string ca_csr() const { return file(ca_name + ".csr"); }
    std::string ca_bundle() const { return file(ca_name + "-bundle.pem"); } // issuing CA + root
};

// A CA's signing key and where it lives.
struct CaKey {
    pki::PrivateKey key;
    std::string location;   // the file, or the pkcs11: URI with its PIN masked
    bool generated = false; // new in software, not yet written to `location`
};

// spec given (pkcs11: URI or PEM file): that existing key. Otherwise a new EC P-256 key,
// to be written to new_key_path by save_key().
CaKey new_or_existing_key(const std::optional<std::string>& spec, const std::string& pkcs11_module,
                          const std::string& new_key_path);

// spec given: that key; otherwise the PEM file key_path, which must exist (the error says
// which option names another key).
CaKey existing_key(const std::optional<std::string>& spec, const std::string& pkcs11_module,
                   const std::string& key_path, const std::string& option);

// Writes a generated key (mode 0600). For a key on a token, removes a stale key file at
// file_path left by an earlier run, so the folder never suggests a key it does not use.
void save_key(const CaKey& key, const std::string& file_path);

// Creates the folder with mode 0700 (and its parents) when it does not exist yet; refuses an
// existing one that belongs to another user or that group or others may write.
void create_private_folder(const std::filesystem::path& dir);

// Throws naming the first of paths that exists, unless force.
void refuse_existing(const std::vector<std::string>& paths, bool force, const std::string& what);

// A v2 CRL listing nothing, this_update 5 minutes ago, next_update `days` days from now.
void write_empty_crl(const std::string& path, const pki::Issuer& issuer, int days);

// The first certificate of a PEM file.
pki::X509Ptr load_first_certificate(const std::string& path);

// {certificate, subject, not_after (ISO 8601 UTC), fingerprint_sha256 (lower-case hex)}
boost::json::object describe_certificate(X509* cert, const std::string& path);

// Subject CNs: "<org> Root CA"; "<org> Device CA", or "<org> <ca-name>" for another name.
std::string root_ca_common_name(const std::string& organization);
std::string issuing_ca_common_name(const std::string& organization, const std::string& ca_name);

// describe_certificate plus key (location or null), crl; the issuing CA adds name, bundle.
boost::json::object root_summary(const CaFiles& files, X509* root, const std::optional<std::string>& key);
boost::json::object issuing_summary(const CaFiles& files, X509* ca, const std::optional<std::string>& key);

// Letters, digits, '.', '_' and '-', not starting with '.', not "root-ca"; it names files
// and the CRL URL. Throws std::invalid_argument naming --ca-name.
void check_ca_name(const std::string& name);

// An http:// or https:// URL, as --crl-url-base takes it; throws std::invalid_argument.
void check_crl_url_base(const std::string& base);

// The root CRL's distribution point for an issuing CA certificate: <base>/crl/root-ca.crl;
// nothing without a base.
std::optional<std::string> root_crl_url(const std::optional<std::string>& base);

// The text, or JSON null.
boost::json::value optional_text(const std::optional<std::string>& text);

} // namespace sekisho::ctl
