// Checks on CA certificates that arrive from elsewhere, as in the offline-root flow: is it
// a CA, does it belong to our key, does it chain to the root we were given.
#pragma once

#include "pki/ossl.hpp"

#include <chrono>
#include <string>

namespace sekisho::pki {

// basicConstraints CA:TRUE.
bool is_ca_certificate(X509* cert);

// Issuer and subject are the same name and the certificate's signature verifies with its
// own key.
bool is_self_signed(X509* cert);

// True when key's public half is the certificate's public key (key may be on a token).
bool certificate_matches_key(X509* cert, EVP_PKEY* key);

// Why cert does not verify up to root (the only trust anchor; validity checked at the
// current time), as OpenSSL says it, or "" when it does.
std::string chain_error(X509* cert, X509* root);

// Why the CRL is not signed by issuer's key, or "".
std::string crl_signature_error(X509_CRL* crl, X509* issuer);

// notAfter as a time point; throws naming the subject when unreadable.
std::chrono::system_clock::time_point not_after_of(X509* cert);

// The first entry of nid (NID_commonName, NID_organizationName) in name as UTF-8, or "".
std::string name_entry(const X509_NAME* name, int nid);

} // namespace sekisho::pki
