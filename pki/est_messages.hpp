// The bodies of EST (RFC 7030) requests and responses, as bytes: no HTTP here. The enrollment
// listener sets the Content-Type and "Content-Transfer-Encoding: base64" headers.
//   /cacerts, /simpleenroll, /simplereenroll → base64(certs_only_pkcs7_der(...)),
//       Content-Type: application/pkcs7-mime; smime-type=certs-only
//   /simpleenroll, /simplereenroll request   → parse_est_csr(body) (application/pkcs10)
//   /serverkeygen                            → serverkeygen_multipart(...)
#pragma once

#include "pki/csr_policy.hpp"
#include "pki/ossl.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::pki {

// A degenerate ("certs-only") PKCS#7 SignedData as DER: version 1, no digest algorithms,
// encapsulated content type id-data without content, the certificates in the given order,
// no CRLs and no signers (RFC 5272 §4.2 / RFC 7030 §4.1.3). Throws std::invalid_argument when
// certs is empty or holds a null pointer.
std::string certs_only_pkcs7_der(const std::vector<X509*>& certs);

// The certificates of a PKCS#7 SignedData (the inverse of certs_only_pkcs7_der; what an EST
// client does with a response). Throws std::runtime_error when der is not a SignedData.
std::vector<X509Ptr> certificates_from_pkcs7_der(std::string_view der);

// Standard base64 (RFC 4648 alphabet, '=' padding). line_breaks: lines of 64 characters,
// each ended by "\n" as OpenSSL and EST implementations write them (LF rather than MIME's
// CRLF, because coreutils `base64 -d`, a likely tool on a terminal, refuses CR).
std::string base64_encode(std::string_view bytes, bool line_breaks);

// Skips spaces, tabs, CR and LF anywhere; nullopt on any other character outside the
// alphabet, on a length that is not a multiple of 4, or on data after the '=' padding.
std::optional<std::string> base64_decode(std::string_view text);

// The body of /simpleenroll or /simplereenroll: base64 of a DER PKCS#10 CSR. A PEM CSR is
// accepted too (it is the same base64 between two marker lines), because `curl --data-binary
// @csr.pem` is what an operator enrolling by hand will try. Throws std::runtime_error saying
// what the body is not.
X509ReqPtr parse_est_csr(std::string_view body);

struct MultipartBody {
    std::string body;
    std::string content_type; // "multipart/mixed; boundary=<boundary>"
    std::string boundary;
};

// The /serverkeygen response (RFC 7030 §4.4.2): multipart/mixed with two base64 parts,
//   1. the private key as application/pkcs8: an UNENCRYPTED PKCS#8 PrivateKeyInfo. RFC 7030
//      §4.4.2 permits this because the response travels only inside the enrollment TLS
//      connection; the caller must not log or keep the body;
//   2. the certificate as application/pkcs7-mime; smime-type=certs-only.
// The boundary is random. Throws std::invalid_argument when the key does not belong to the
// certificate, OpensslError when the key cannot be exported (e.g. it lives on a token).
MultipartBody serverkeygen_multipart(EVP_PKEY* private_key, X509* certificate);

} // namespace sekisho::pki
