// Reading certificates and CRLs, and the facts about a certificate the gateway relies on.
#pragma once

#include "pki/ossl.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::pki {

// All certificates in a PEM file, in order. Throws std::runtime_error naming the file
// when it cannot be read or holds no certificate.
std::vector<X509Ptr> load_certificates(const std::string& pem_path);
// The same from PEM text already read; pem_path names it in errors.
std::vector<X509Ptr> parse_certificates(const std::string& pem, const std::string& pem_path);

// All CRLs in a PEM (or single DER) file. Throws naming the file.
std::vector<X509CrlPtr> load_crls(const std::string& path);

// SHA-256 over the DER certificate, lower-case hex without separators (64 chars).
std::string sha256_fingerprint_hex(X509* cert);

// The facility a device certificate belongs to: the <facility> part of a SAN URI
// "urn:sekisho:device:<facility>:<device-id>" if present, else the subject O, else "".
// Control characters come out escaped (printable.hpp): it is logged before it is trusted.
std::string facility_of(X509* cert);

// The subject's first commonName as UTF-8, "" when there is none (an operator certificate's
// CN is the administrator's user id).
std::string common_name_of(X509* cert);

// Subject as a one-line RFC 2253 string, for logs; control characters escaped.
std::string subject_of(X509* cert);

// An ASN1_TIME (notBefore, notAfter, thisUpdate, nextUpdate) as Unix seconds; nullopt when
// absent or unreadable.
std::optional<std::int64_t> unix_seconds(const ASN1_TIME* t);

// True when the certificate carries an extendedKeyUsage extension listing clientAuth.
// A certificate without the extension does not count.
bool has_client_auth_eku(X509* cert);

// PEM text of a certificate.
std::string to_pem(X509* cert);

} // namespace sekisho::pki
