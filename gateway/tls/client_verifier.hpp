// Who may connect to the main listener: the device-CA bundle, its CRLs and the clientAuth
// rule, applied the same way to full handshakes and to resumed TLS sessions.
#pragma once

#include "config/config.hpp"
#include "gateway/tls/crl_index.hpp"
#include "gateway/tls/device_admission.hpp"
#include "gateway/events/refusals.hpp"
#include "pki/ossl.hpp"

#include <openssl/ssl.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sekisho::gateway {

class ClientCertVerifier {
public:
    // Loads client_ca and every CRL; throws std::runtime_error naming the file on failure.
    // With an admission (a registry is configured), the leaf must also belong to an active
    // device: a certificate signed with a stolen CA key but never registered is refused.
    ClientCertVerifier(const config::TlsConfig& tls, const DeviceAdmission* admission);

    // Installs store, verify mode, verify callback and the session-ticket check on ctx.
    // The verifier must outlive ctx and every SSL made from it.
    void attach(SSL_CTX* ctx);

    // For the enrollment listener: a client certificate is asked for but optional, and a bad
    // one does not abort the handshake; SSL_get_verify_result() tells whether it passed.
    void attach_optional(SSL_CTX* ctx);

    // Why the handshake on ssl failed, given OpenSSL's reason code from the failed call.
    static HandshakeRefusal classify_failure(SSL* ssl, unsigned long openssl_error);

    // The X509 verification error the callback recorded for ssl (0 when none).
    static int recorded_verify_error(SSL* ssl);
    // Our own verification error, beyond OpenSSL's codes: the registry has been unreadable
    // for longer than registry.max_staleness, so no terminal can be checked against it.
    static constexpr int kRegistryUnavailable = 0x5E0001;
    // X509_verify_cert_error_string(), which knows our own code too.
    static const char* describe_verify_error(int err);
    // The client certificate a refused handshake presented (owned by ssl), or nullptr.
    static X509* refused_certificate(SSL* ssl);

    // Whether cert, refused on ssl, was really signed by one of our CAs (its chain and
    // signatures, whatever the CRLs and the time say): OpenSSL looks for a certificate's
    // revocation before it checks the signatures, so a "revoked" refusal alone does not
    // prove that the certificate (its subject, its facility) is one we issued.
    static bool issued_by_our_ca(SSL* ssl, X509* cert);

    // Verifies a certificate against the current store (used for resumed sessions).
    // Returns X509_V_OK or the X509_V_ERR_* code.
    int verify_now(X509* leaf) const;

    std::size_t crl_count() const { return crl_count_; }

private:
    static int verify_callback(int preverify_ok, X509_STORE_CTX* ctx);
    static int check_revocation(X509_STORE_CTX* ctx);
    static int optional_verify_callback(int preverify_ok, X509_STORE_CTX* ctx);
    // The checks beyond the chain, on the leaf: clientAuth EKU, then the registry.
    // Returns X509_V_OK or the error to report.
    int check_leaf(X509* leaf) const;
    int check_leaf(X509* leaf, const std::string& fingerprint) const; // fingerprint: of leaf
    int decide(int preverify_ok, X509_STORE_CTX* ctx) const;
    static SSL_TICKET_RETURN on_ticket_decrypted(SSL* ssl, SSL_SESSION* session,
                                                 const unsigned char* key_name, size_t key_name_len,
                                                 SSL_TICKET_STATUS status, void* arg);

    // A resumption's chain and CRL verdict, remembered per certificate for up to a minute
    // (never past the certificate's notAfter or the earliest CRL nextUpdate): the store and
    // its CRLs are fixed for this verifier's life (a reload builds a new one), and the
    // registry part (check_leaf) is still asked every time. Returns X509_V_OK or the error.
    int verify_resumed(X509* leaf) const;

    pki::X509StorePtr store_;
    const DeviceAdmission* admission_ = nullptr;
    bool allow_expired_crl_ = false;
    CrlIndex crls_;
    std::size_t crl_count_ = 0;
    std::int64_t crls_valid_until_ = INT64_MAX; // Unix seconds: the earliest nextUpdate
    mutable std::mutex resumed_mutex_;
    mutable std::unordered_map<std::string, std::int64_t> chain_ok_until_; // fingerprint → Unix s
};

} // namespace sekisho::gateway
