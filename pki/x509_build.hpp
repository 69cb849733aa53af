// Building blocks shared by the CA and CRL code (not needed by callers of the pki library).
#pragma once

#include "pki/ossl.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace sekisho::pki::detail {

// SHA-256 for RSA and EC up to 256 bits, SHA-384/512 for larger EC curves.
const EVP_MD* signature_digest_for(EVP_PKEY* key);

// Refuses keys weaker than RSA 2048 / EC 256 (and non-RSA/EC keys). whose names the key.
void require_strong_key(EVP_PKEY* key, const std::string& whose);

// Sets an ASN1_TIME (UTCTime before 2050, GeneralizedTime after).
void set_time(ASN1_TIME* target, std::chrono::system_clock::time_point when,
              const std::string& what);

// Adds an extension written in openssl.cnf syntax ("critical,CA:TRUE", "keyid:always").
// issuer is the signing certificate (the subject itself when self-signed).
void add_extension(X509* subject, X509* issuer, int nid, const std::string& value);

// A software copy of key's public half. Certificates get this instead of key itself:
// X509_set_pubkey keeps a reference to the EVP_PKEY it is given, and a PKCS#11 key must
// not be kept alive past its PrivateKey (its libp11 slots are released then).
EvpPkeyPtr public_key_copy(EVP_PKEY* key, const std::string& whose);

// Adds O=organization (when not empty) and CN=common_name to name; what names the object
// in errors. Throws when common_name is empty.
void fill_subject(X509_NAME* name, const std::string& common_name, const std::string& organization,
                  const std::string& what);

using CrlDistPointsPtr = std::unique_ptr<CRL_DIST_POINTS, OsslDeleter<CRL_DIST_POINTS_free>>;

// One distribution point with the full name uri: what crlDistributionPoints (certificates)
// and freshestCRL (complete CRLs) hold.
CrlDistPointsPtr distribution_points(const std::string& uri, const std::string& what);

// A fresh positive serial of 127 random bits.
void set_random_serial(X509* cert);

} // namespace sekisho::pki::detail
