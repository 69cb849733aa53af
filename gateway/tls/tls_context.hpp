// Building the TLS contexts: the main listener (profile, server key, client verification,
// resumption) and the client side towards https:// upstreams.
#pragma once

#include "gateway/tls/ticket_keys.hpp"

#include "config/config.hpp"
#include "gateway/tls/client_verifier.hpp"
#include "pki/key_store.hpp"

#include <boost/asio/ssl/context.hpp>

#include <array>
#include <memory>

namespace sekisho::gateway {

// The main listener's context and what must live as long as it does.
struct ListenerTls {
    std::unique_ptr<ClientCertVerifier> verifier;
    pki::PrivateKey server_key;
    std::unique_ptr<boost::asio::ssl::context> context;
};

// Throws std::runtime_error naming the config key and file on any problem.
// admission: the registry's view of active devices, or nullptr when no registry is set.
ListenerTls make_listener_tls(const config::TlsConfig& tls, const TicketKeys& keys,
                              const DeviceAdmission* admission);

// True for a TLS 1.2 session without the extended master secret (RFC 7627): its master
// secret is not bound to the handshake, so a man in the middle can make two sessions share
// it (triple handshake). OpenSSL 3.0 cannot be told to require EMS on a server, so the
// listeners check each completed handshake and refuse these. TLS 1.3 has it built in.
bool lacks_extended_master_secret(SSL* ssl);

// The enrollment listener's context: the main listener's certificate and key, the same
// profile, and an optional client certificate (for EST renewal) checked by `verifier`.
std::unique_ptr<boost::asio::ssl::context> make_enrollment_tls(const config::TlsConfig& tls,
                                                               const pki::PrivateKey& server_key,
                                                               ClientCertVerifier& verifier);

// Client context for an upstream: verifies the server against ca (or the system store),
// presents the gateway certificate when configured. TLS 1.2+ with AEAD suites only.
std::unique_ptr<boost::asio::ssl::context> make_upstream_tls(const config::UpstreamTlsConfig& up,
                                                             const std::string& pkcs11_module,
                                                             pki::PrivateKey& key_holder);

// The admin listener's context and what must live as long as it does.
struct AdminTls {
    std::unique_ptr<ClientCertVerifier> verifier;
    pki::PrivateKey key;
    std::unique_ptr<boost::asio::ssl::context> context;
};

// The admin listener's context (admin.tls): TLS 1.3, no resumption, a mandatory operator
// client certificate checked as the main listener checks terminals (clientAuth, and with
// admin.tls.crl the CRL rules of tls.crl, tls.allow_expired_crl included), against
// admin.tls.client_ca. tls: the main listener's section (pkcs11_module, allow_expired_crl).
AdminTls make_admin_tls(const config::AdminTlsConfig& admin, const config::TlsConfig& tls);

} // namespace sekisho::gateway
