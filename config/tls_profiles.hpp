// What each TLS profile (tls.profile) means on the wire: the TLS 1.3 suites, the TLS 1.2
// CRYPTREC high-security suites, the key-exchange groups and signature algorithms, in
// OpenSSL's spelling. The gateway's TLS contexts apply them; the self-disclosure prints them.
#pragma once

namespace sekisho::config {

// REQUIREMENTS §2: the TLS 1.3 suites, and for TLS 1.2 the CRYPTREC high-security set
// (forward secrecy + AEAD only; no CBC, no static RSA, no SHA-1).
inline constexpr const char* kTls13Suites =
    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256";
inline constexpr const char* kTls12HighSecurityCiphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES256-CCM:ECDHE-ECDSA-AES128-CCM:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* kTlsGroups = "X25519:P-256:X448:P-384:P-521";
inline constexpr const char* kTlsSignatureAlgorithms =
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:"
    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
    "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512";

} // namespace sekisho::config
