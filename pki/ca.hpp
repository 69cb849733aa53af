// Certificate authority operations: root CA, issuing (intermediate) CA, end-entity certificates.
// Signing keys are plain EVP_PKEY*, so a key held on a PKCS#11 token (PrivateKey::get())
// signs exactly like a key read from a file.
#pragma once

#include "pki/ossl.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::pki {

using TimePoint = std::chrono::system_clock::time_point;

struct Validity {
    TimePoint not_before;
    TimePoint not_after;

    // From 5 minutes ago (tolerates clock skew between hosts) to `days` days from now.
    static Validity days_from_now(int days);
};

// A CA certificate's contents.
struct CaProfile {
    std::string common_name;             // required
    std::string organization;            // optional subject O
    Validity validity;
    std::optional<int> path_length;      // root: absent = unlimited; intermediate: absent = 0
    std::string crl_distribution_point;  // intermediate only: URI of the issuer's CRL; optional
};

// An end-entity (device, server or user) certificate's contents.
struct CertificateProfile {
    std::string common_name;             // required
    std::string organization;            // optional subject O (the facility for devices)
    std::vector<std::string> dns_names;  // subjectAltName DNS
    std::vector<std::string> ip_addresses; // subjectAltName IP (IPv4 or IPv6 text)
    std::vector<std::string> uris;       // subjectAltName URI, e.g. urn:sekisho:device:<f>:<id>
    bool client_auth = false;            // extendedKeyUsage clientAuth
    bool server_auth = false;            // extendedKeyUsage serverAuth
    Validity validity;
    std::string crl_distribution_point;  // URI of the issuer's CRL; optional
};

// Who signs: a CA certificate and its private key (file or PKCS#11).
struct Issuer {
    X509* certificate = nullptr;
    EVP_PKEY* key = nullptr;
};

// Self-signed root: basicConstraints CA:TRUE (critical), keyUsage keyCertSign+cRLSign
// (critical), SKI, AKI, random positive 127-bit serial, SHA-256 (or stronger) signature.
// key must be RSA >= 2048 or EC >= 256 bits. Throws naming the CA on failure.
X509Ptr create_root_ca(EVP_PKEY* key, const CaProfile& profile);

// Intermediate CA for subject_key (only its public half is used), signed by issuer.
// Like the root, plus pathLenConstraint (default 0) and an optional CRL distribution point.
X509Ptr create_intermediate_ca(EVP_PKEY* subject_key, const CaProfile& profile,
                               const Issuer& issuer);

// End-entity certificate for subject_key (public half), signed by issuer: CA:FALSE,
// keyUsage digitalSignature (critical), EKU from the profile, SANs, SKI/AKI, optional CRL DP.
// Throws when the profile asks for nothing (no EKU) or the issuer key does not match.
X509Ptr issue_certificate(EVP_PKEY* subject_key, const CertificateProfile& profile,
                          const Issuer& issuer);

// Serial number as upper-case hex without separators (as `openssl x509 -serial` prints it).
std::string serial_hex_of(X509* cert);

} // namespace sekisho::pki
