// PKCS#12 bundles for installing a terminal's key and certificate (and its CA chain).
#pragma once

#include "pki/ossl.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::pki {

// Key and certificate bags encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), MAC
// HMAC-SHA256; 100 000 iterations. chain: the issuing CA(s), leaf's issuer first.
// Returns the DER bytes. Throws on failure (e.g. a key on a token cannot be exported).
std::string export_pkcs12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain,
                          const std::string& password, const std::string& friendly_name);

struct Pkcs12Contents {
    EvpPkeyPtr key;
    X509Ptr certificate;
    std::vector<X509Ptr> chain;
};

// Verifies the MAC with password and decrypts. Throws std::runtime_error mentioning the
// password when the MAC does not verify.
Pkcs12Contents import_pkcs12(std::string_view der, const std::string& password);

} // namespace sekisho::pki
