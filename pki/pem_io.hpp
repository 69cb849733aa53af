// Reading small files, and writing certificates, CRLs and private keys to files. Private keys are created 0600.
#pragma once

#include "pki/ossl.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::pki {

// PEM text (certificates: see to_pem in certificate.hpp).
std::string crl_to_pem(X509_CRL* crl);
std::string private_key_to_pem(EVP_PKEY* key); // unencrypted PKCS#8

// The whole file, at most max_bytes of it (a certificate, a CRL: not a device); throws naming
// the path and the system error, or that it is larger.
std::string read_file(const std::string& path, std::size_t max_bytes = 16 * 1024 * 1024);

// Writes bytes to path with the given permission bits, replacing what is there (a symlink
// included, which is never followed) in one rename. Throws naming the path and the system
// error.
void write_file(const std::string& path, std::string_view bytes, unsigned mode = 0644);

// certs in order (leaf first, then its chain) as concatenated PEM, mode 0644.
void write_certificates_pem(const std::string& path, const std::vector<X509*>& certs);
void write_crl_pem(const std::string& path, X509_CRL* crl);
// Mode 0600. Refuses keys held on a token (they cannot be exported).
void write_private_key_pem(const std::string& path, EVP_PKEY* key);

} // namespace sekisho::pki
