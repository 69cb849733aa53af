#include "gateway/tls/tls_context.hpp"

#include "config/tls_profiles.hpp"
#include "pki/certificate.hpp"

#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace sekisho::gateway {
namespace ssl = boost::asio::ssl;
namespace {

constexpr unsigned char session_id_context[] = "sekisho";

void check(int rc, const std::string& what) {
    if (rc != 1) throw pki::OpensslError(what);
}

void apply_common_policy(SSL_CTX* ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    check(SSL_CTX_set_ciphersuites(ctx, config::kTls13Suites), "setting the TLS 1.3 suites");
    check(SSL_CTX_set_cipher_list(ctx, config::kTls12HighSecurityCiphers), "setting the TLS 1.2 suites");
    check(SSL_CTX_set1_groups_list(ctx, config::kTlsGroups), "setting the key-exchange groups");
    check(SSL_CTX_set1_sigalgs_list(ctx, config::kTlsSignatureAlgorithms), "setting the signature algorithms");
    SSL_CTX_set_security_level(ctx, 2); // RSA/DH >= 2048, no SHA-1
}

void use_certificate_chain(SSL_CTX* ctx, const std::string& path, const std::string& key_name) {
    auto certs = pki::load_certificates(path);
    if (SSL_CTX_use_certificate(ctx, certs.front().get()) != 1)
        throw pki::OpensslError(key_name + ": certificate " + path + " is not usable");
    for (std::size_t i = 1; i < certs.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(ctx, certs[i].get()) != 1)
            throw pki::OpensslError(key_name + ": chain certificate in " + path);
    }
}

void use_private_key(SSL_CTX* ctx, const pki::PrivateKey& key, const std::string& key_name) {
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        throw pki::OpensslError(key_name + ": the key is not usable");
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw pki::OpensslError(key_name + ": the key does not match the certificate");
}

} // namespace

bool lacks_extended_master_secret(SSL* ssl) {
    return SSL_version(ssl) < TLS1_3_VERSION && SSL_get_extms_support(ssl) != 1;
}

ListenerTls make_listener_tls(const config::TlsConfig& tls, const TicketKeys& keys,
                              const DeviceAdmission* admission) {
    ListenerTls out;
    out.context = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* ctx = out.context->native_handle();
    apply_common_policy(ctx);
    const bool tls12 = tls.profile == config::TlsProfile::tls12_high_security;
    SSL_CTX_set_min_proto_version(ctx, tls12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);

    use_certificate_chain(ctx, tls.certificate, "tls.certificate");
    out.server_key = pki::load_private_key(tls.key, tls.pkcs11_module);
    use_private_key(ctx, out.server_key, "tls.key");

    out.verifier = std::make_unique<ClientCertVerifier>(tls, admission);
    out.verifier->attach(ctx);
    // Tell browsers which device CAs we accept, so they offer the right certificate.
    if (auto* names = SSL_load_client_CA_file(tls.client_ca.c_str()))
        SSL_CTX_set_client_CA_list(ctx, names);

    check(SSL_CTX_set_session_id_context(ctx, session_id_context, sizeof session_id_context - 1),
          "setting the session id context");
    // No server-side session cache: TLS 1.2 session-id resumption would skip the ticket
    // callback and with it the revocation re-check. Resumption is by ticket only.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    if (tls.session_tickets) {
        SSL_CTX_set_timeout(ctx, static_cast<long>(tls.session_lifetime.count()));
        keys.attach(ctx);
        SSL_CTX_set_num_tickets(ctx, 1);
    } else {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    return out;
}

std::unique_ptr<ssl::context> make_enrollment_tls(const config::TlsConfig& tls, const pki::PrivateKey& server_key,
                                                 ClientCertVerifier& verifier) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* ctx = context->native_handle();
    apply_common_policy(ctx);
    const bool tls12 = tls.profile == config::TlsProfile::tls12_high_security;
    SSL_CTX_set_min_proto_version(ctx, tls12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    use_certificate_chain(ctx, tls.certificate, "tls.certificate");
    use_private_key(ctx, server_key, "tls.key");
    verifier.attach_optional(ctx);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
    return context;
}

std::unique_ptr<ssl::context> make_upstream_tls(const config::UpstreamTlsConfig& up,
                                                const std::string& pkcs11_module,
                                                pki::PrivateKey& key_holder) {
    auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
    SSL_CTX* ctx = context->native_handle();
    apply_common_policy(ctx);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (up.ca.empty()) {
        check(SSL_CTX_set_default_verify_paths(ctx), "loading the system CA store");
    } else {
        check(SSL_CTX_load_verify_locations(ctx, up.ca.c_str(), nullptr),
              "upstream_tls.ca: loading " + up.ca);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!up.certificate.empty()) {
        use_certificate_chain(ctx, up.certificate, "upstream_tls.certificate");
        key_holder = pki::load_private_key(up.key, pkcs11_module);
        use_private_key(ctx, key_holder, "upstream_tls.key");
    }
    return context;
}

AdminTls make_admin_tls(const config::AdminTlsConfig& admin, const config::TlsConfig& tls) {
    AdminTls out;
    out.context = std::make_unique<ssl::context>(ssl::context::tls_server);
    SSL_CTX* ctx = out.context->native_handle();
    apply_common_policy(ctx);
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    use_certificate_chain(ctx, admin.certificate, "admin.tls.certificate");
    out.key = pki::load_private_key(admin.key, tls.pkcs11_module);
    use_private_key(ctx, out.key, "admin.tls.key");
    // One verifier for terminals and operators, so a revoked operator is refused exactly as a
    // revoked terminal is; there is no registry of operators.
    config::TlsConfig operators;
    operators.client_ca = admin.client_ca;
    operators.crl = admin.crl;
    operators.allow_expired_crl = tls.allow_expired_crl;
    try {
        out.verifier = std::make_unique<ClientCertVerifier>(operators, nullptr);
    } catch (const std::exception& e) {
        throw std::runtime_error("admin.tls: " + std::string(e.what()));
    }
    out.verifier->attach(ctx);
    if (auto* names = SSL_load_client_CA_file(admin.client_ca.c_str())) SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
    return out;
}

} // namespace sekisho::gateway
