// The handshake's verdict for a terminal connection: refusals with the reason and the
// certificate that was presented, the registry's last word, the identity of the terminal.
#include "gateway/tls/client_verifier.hpp"
#include "gateway/pipeline/connection_pipeline.hpp"
#include "gateway/events/log.hpp"
#include "gateway/events/refusal_records.hpp"
#include "gateway/runtime/runtime.hpp"
#include "gateway/tls/tls_context.hpp"
#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "store/clock.hpp"
#include "codec/hex.hpp"
#include "codec/random.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <cstdio>

namespace sekisho::gateway {

ClientIdentity identity_of(X509* cert) {
    return ClientIdentity{pki::sha256_fingerprint_hex(cert), pki::facility_of(cert), pki::subject_of(cert),
                          pki::serial_hex_of(cert)};
}

std::string ConnectionContext::next_connection_id() {
    static const std::string process = codec::to_lower_hex(codec::random_bytes(4));
    static std::atomic<std::uint64_t> connections{0};
    char count[24];
    std::snprintf(count, sizeof count, "%llx", static_cast<unsigned long long>(++connections));
    return process + "-" + count;
}

bool ConnectionPipeline::handshake_succeeded(const boost::system::error_code& ec) {
    SSL* ssl = stream_.native_handle();
    if (ec) {
        unsigned long openssl_error = ec.category() == asio::error::get_ssl_category() ? ec.value() : 0;
        auto reason = ClientCertVerifier::classify_failure(ssl, openssl_error);
        std::string detail = ec.message();
        if (int verr = ClientCertVerifier::recorded_verify_error(ssl); verr != 0)
            detail = ClientCertVerifier::describe_verify_error(verr);
        X509* cert = SSL_get0_peer_certificate(ssl);
        if (!cert) cert = ClientCertVerifier::refused_certificate(ssl);
        // OpenSSL finds a serial on the CRL before it checks any signature: a certificate
        // anyone made with a revoked serial and our CA's name is "revoked" too. Only one our
        // CA signed is a lost terminal (logged every time, alerting its facility).
        if (reason == HandshakeRefusal::revoked && !ClientCertVerifier::issued_by_our_ca(ssl, cert)) {
            reason = HandshakeRefusal::unknown_ca;
            detail = "a revoked serial under our CA's name, not signed by it (forged)";
        }
        c_.worker.metrics.handshake_refused(reason);
        const auto seen = cert ? identity_of(cert) : ClientIdentity{"-", "-", "-", "-"};
        // No valid certificate is needed to get here: once per source and reason a minute —
        // except a revoked certificate of our own CAs (a lost terminal: every use is evidence,
        // and it cannot be forged to flood the trail).
        log_refusal(spdlog::level::warn, "handshake.refused",
                  reason == HandshakeRefusal::revoked ? std::string_view() : to_string(reason), c_.peer,
                  {{"reason", to_string(reason)},
                   {"peer", c_.peer},
                   {"detail", detail},
                   {"subject", seen.subject},
                   {"serial", seen.serial},
                   {"device", seen.device},
                   {"facility", seen.facility}});
        return false;
    }
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (!cert) { // cannot happen with FAIL_IF_NO_PEER_CERT; fail closed all the same
        c_.worker.metrics.handshake_refused(HandshakeRefusal::no_certificate);
        log_event(spdlog::level::warn, "handshake.refused", {{"reason", "no_certificate"}, {"peer", c_.peer}});
        return false;
    }
    const bool resumed = SSL_session_reused(ssl) == 1;
    c_.identity = identity_of(cert);
    if (lacks_extended_master_secret(ssl)) {
        c_.worker.metrics.handshake_refused(HandshakeRefusal::no_extended_master_secret);
        log_event(spdlog::level::warn, "handshake.refused",
                  {{"reason", "no_extended_master_secret"}, {"peer", c_.peer},
                   {"detail", "TLS 1.2 without the extended master secret (RFC 7627)"},
                   {"subject", c_.identity.subject}, {"device", c_.identity.device}, {"serial", c_.identity.serial}});
        return false;
    }
    // The registry may have dropped the device while this handshake ran; from here on the
    // registry watch sees the connection (same thread), before that this check does.
    c_.entry.device = c_.identity.device;
    if (c_.worker.admission) {
        auto facility = c_.worker.admission->facility_of(c_.identity.device);
        if (!facility) {
            const bool available = c_.worker.admission->available();
            const auto reason = available ? HandshakeRefusal::not_registered : HandshakeRefusal::registry_unavailable;
            c_.worker.metrics.handshake_refused(reason);
            log_event(spdlog::level::warn, "handshake.refused",
                      {{"reason", std::string(to_string(reason))}, {"peer", c_.peer},
                       {"detail", available ? "device no longer active in the registry" : "the registry is unavailable"},
                       {"subject", c_.identity.subject}, {"device", c_.identity.device}, {"serial", c_.identity.serial},
                       {"facility", c_.identity.facility}}); // the certificate's, signed by our CA
            return false;
        }
        c_.identity.facility = std::move(*facility); // the registry's word, not the certificate's claim
        if (c_.worker.sightings) c_.worker.sightings->saw(c_.identity.device, store::system_clock_now());
    }
    c_.worker.metrics.handshake_completed(resumed);
    if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) c_.sni = name;
    log_event(spdlog::level::debug, "tls.accepted",
              {{"peer", c_.peer},
               {"device", c_.identity.device},
               {"facility", c_.identity.facility},
               {"resumed", resumed ? "true" : "false"},
               {"version", SSL_get_version(ssl)},
               {"cipher", SSL_get_cipher_name(ssl)}});
    return true;
}

} // namespace sekisho::gateway
