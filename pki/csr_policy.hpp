// Checking a terminal's PKCS#10 certificate request before the CA signs anything.
// A CSR contributes exactly one thing to a device certificate: its public key. Subject,
// extensions and validity come from the device profile (device_profile.hpp); a CSR that asks
// for more than a client certificate is refused, so the caller learns why instead of
// silently receiving something different from what it asked for.
#pragma once

#include "pki/ossl.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::pki {

using X509ReqPtr = std::unique_ptr<X509_REQ, OsslDeleter<X509_REQ_free>>;

// A DER PKCS#10 request (the whole input; trailing bytes are refused). Throws
// std::runtime_error saying the input is not a CSR, with OpenSSL's reasons.
X509ReqPtr parse_csr_der(std::string_view der);

// A PEM "CERTIFICATE REQUEST" (or "NEW CERTIFICATE REQUEST"). Throws like parse_csr_der.
X509ReqPtr parse_csr_pem(std::string_view pem);

struct CsrPolicy {
    bool allow_rsa = true;
    int min_rsa_bits = 2048;
    bool allow_ec = true;
    // OpenSSL short names ("prime256v1") or NIST names ("P-256").
    std::vector<std::string> ec_curves{"prime256v1", "secp384r1"};
};

struct CsrCheck {
    bool ok = false;
    std::string reason;     // why it was refused; "" when ok
    EvpPkeyPtr public_key;  // the CSR's key; set only when ok
    std::string subject_cn; // informational; "" when the CSR has none
    // Requested extensions that were acceptable but are not copied into the certificate
    // (the profile decides), e.g. "subjectAltName", or a dotted OID when OpenSSL has no name.
    std::vector<std::string> ignored_extensions;
};

// In this order, the first failure wins:
//  1. key: RSA (>= min_rsa_bits) or EC on one of ec_curves, as the policy allows;
//  2. signature algorithm: SHA-256 or stronger (SHA-1 and MD5 refused; RSA-PSS judged by its
//     hash parameter);
//  3. proof of possession: the CSR's signature verifies with its own public key;
//  4. requested extensions: extendedKeyUsage other than clientAuth, basicConstraints CA:TRUE,
//     keyUsage keyCertSign or cRLSign are refused, naming what was asked for.
// Never throws for a bad CSR (that is a refusal); throws only when csr is null.
CsrCheck check_csr(X509_REQ* csr, const CsrPolicy& policy);

} // namespace sekisho::pki
