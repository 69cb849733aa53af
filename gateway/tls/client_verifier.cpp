#include "gateway/tls/client_verifier.hpp"

#include "gateway/events/log.hpp"
#include "pki/certificate.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace sekisho::gateway {
namespace {

// ex_data slots: the verifier an SSL_CTX uses, and the first verify error of a connection.
int verifier_index() {
    static const int idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}
int store_verifier_index() {
    static const int idx = X509_STORE_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}
int store_ctx_verifier_index() {
    static const int idx = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}
int verify_error_index() {
    static const int idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return idx;
}

// The leaf a refused handshake presented: OpenSSL drops the peer certificate of a failed
// handshake, and the log should still say which terminal it was. Freed with the SSL.
int refused_leaf_index() {
    static const int idx = SSL_get_ex_new_index(
        0, nullptr, nullptr, nullptr,
        [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { X509_free(static_cast<X509*>(ptr)); });
    return idx;
}

void record_refused_leaf(SSL* ssl, X509_STORE_CTX* sctx) {
    if (SSL_get_ex_data(ssl, refused_leaf_index())) return;
    X509* leaf = X509_STORE_CTX_get0_cert(sctx);
    if (leaf && X509_up_ref(leaf) == 1) SSL_set_ex_data(ssl, refused_leaf_index(), leaf);
}

void record_verify_error(SSL* ssl, int err) {
    if (ClientCertVerifier::recorded_verify_error(ssl) != 0) return; // keep the first
    SSL_set_ex_data(ssl, verify_error_index(), reinterpret_cast<void*>(static_cast<intptr_t>(err)));
}

HandshakeRefusal from_verify_error(int err) {
    switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return HandshakeRefusal::unknown_ca;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return HandshakeRefusal::expired;
    case X509_V_ERR_CERT_REVOKED:
        return HandshakeRefusal::revoked;
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
        return HandshakeRefusal::wrong_key_usage;
    case X509_V_ERR_APPLICATION_VERIFICATION: // used only for "not in the registry"
        return HandshakeRefusal::not_registered;
    case ClientCertVerifier::kRegistryUnavailable:
        return HandshakeRefusal::registry_unavailable;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
        return HandshakeRefusal::crl_unavailable;
    default:
        return HandshakeRefusal::other;
    }
}

} // namespace

ClientCertVerifier::ClientCertVerifier(const config::TlsConfig& tls, const DeviceAdmission* admission)
    : store_(X509_STORE_new()), admission_(admission), allow_expired_crl_(tls.allow_expired_crl) {
    if (!store_) throw pki::OpensslError("creating the client certificate store");
    auto cas = pki::load_certificates(tls.client_ca);
    for (auto& ca : cas)
        if (X509_STORE_add_cert(store_.get(), ca.get()) != 1)
            throw pki::OpensslError("adding a CA from tls.client_ca " + tls.client_ca);
    // The CRLs are not given to OpenSSL: each is verified here once, and the chain is checked
    // against them by check_revocation (crl_index.hpp) at the cost of a lookup.
    for (const auto& path : tls.crl) {
        for (auto& crl : pki::load_crls(path)) {
            if (const auto why = crls_.add(std::move(crl), cas); !why.empty())
                log_event(spdlog::level::err, "tls.crl_unusable",
                          {{"file", path}, {"reason", why + ": the certificates of its issuer are refused"}});
            ++crl_count_;
        }
    }
    crls_valid_until_ = crls_.valid_until();
    unsigned long flags = 0;
    // Fail closed: with CRLs configured, every certificate in the chain must be covered by one.
    if (crl_count_ > 0) flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    X509_STORE_set_flags(store_.get(), flags);
    X509_STORE_set_ex_data(store_.get(), store_verifier_index(), this);
    X509_STORE_set_check_revocation(store_.get(), &check_revocation);
    X509_STORE_set_purpose(store_.get(), X509_PURPOSE_SSL_CLIENT);
}

void ClientCertVerifier::attach(SSL_CTX* ctx) {
    X509_STORE_up_ref(store_.get());
    SSL_CTX_set_cert_store(ctx, store_.get());
    SSL_CTX_set_ex_data(ctx, verifier_index(), this);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &verify_callback);
    SSL_CTX_set_session_ticket_cb(ctx, nullptr, &on_ticket_decrypted, this);
}

// OpenSSL's revocation step, answered from the pre-verified CRLs: the same walk as its own
// (every certificate of the chain with CRL_CHECK_ALL, the root's own CRL for the root), the
// same error codes and depths, each offered to the verify callback, which may tolerate an
// expired CRL on the operator's opt-out.
int ClientCertVerifier::check_revocation(X509_STORE_CTX* sctx) {
    const auto* param = X509_STORE_CTX_get0_param(sctx);
    const unsigned long flags = X509_VERIFY_PARAM_get_flags(const_cast<X509_VERIFY_PARAM*>(param));
    if (!(flags & X509_V_FLAG_CRL_CHECK)) return 1;
    const auto* self = static_cast<const ClientCertVerifier*>(
        X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(sctx), store_verifier_index()));
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(sctx);
    const int n = sk_X509_num(chain);
    const int last = (flags & X509_V_FLAG_CRL_CHECK_ALL) ? n - 1 : 0;
    const std::int64_t now = (flags & X509_V_FLAG_USE_CHECK_TIME)
                                 ? static_cast<std::int64_t>(X509_VERIFY_PARAM_get_time(param))
                                 : std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count();
    const auto callback = X509_STORE_CTX_get_verify_cb(sctx);
    for (int i = 0; i <= last && i < n; ++i) {
        X509* cert = sk_X509_value(chain, i);
        X509* issuer = sk_X509_value(chain, i + 1 < n ? i + 1 : i);
        int err = self ? self->crls_.check(cert, issuer, now) : X509_V_ERR_UNABLE_TO_GET_CRL;
        if ((flags & X509_V_FLAG_NO_CHECK_TIME) &&
            (err == X509_V_ERR_CRL_HAS_EXPIRED || err == X509_V_ERR_CRL_NOT_YET_VALID))
            err = X509_V_OK;
        if (err == X509_V_OK) continue;
        X509_STORE_CTX_set_error_depth(sctx, i);
        X509_STORE_CTX_set_current_cert(sctx, cert);
        X509_STORE_CTX_set_error(sctx, err);
        if (!callback || callback(0, sctx) == 0) return 0;
    }
    return 1;
}

int ClientCertVerifier::recorded_verify_error(SSL* ssl) {
    return static_cast<int>(reinterpret_cast<intptr_t>(SSL_get_ex_data(ssl, verify_error_index())));
}

int ClientCertVerifier::check_leaf(X509* leaf) const {
    return check_leaf(leaf, pki::sha256_fingerprint_hex(leaf));
}

int ClientCertVerifier::check_leaf(X509* leaf, const std::string& fingerprint) const {
    if (!pki::has_client_auth_eku(leaf)) return X509_V_ERR_INVALID_PURPOSE;
    if (admission_ && !admission_->admits(fingerprint))
        return admission_->available() ? X509_V_ERR_APPLICATION_VERIFICATION : kRegistryUnavailable;
    return X509_V_OK;
}

// One decision for every verification, handshake or resumption: OpenSSL's chain verdict
// (an expired CRL tolerated only on the operator's opt-out), then our checks on the leaf.
int ClientCertVerifier::decide(int preverify_ok, X509_STORE_CTX* sctx) const {
    if (!preverify_ok)
        return X509_STORE_CTX_get_error(sctx) == X509_V_ERR_CRL_HAS_EXPIRED && allow_expired_crl_ ? 1 : 0;
    if (X509_STORE_CTX_get_error_depth(sctx) != 0) return 1;
    if (int err = check_leaf(X509_STORE_CTX_get_current_cert(sctx)); err != X509_V_OK) {
        X509_STORE_CTX_set_error(sctx, err);
        return 0;
    }
    return 1;
}

int ClientCertVerifier::verify_callback(int preverify_ok, X509_STORE_CTX* sctx) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
    const auto* self =
        static_cast<const ClientCertVerifier*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), verifier_index()));
    if (self && self->decide(preverify_ok, sctx)) return 1;
    record_verify_error(ssl, self ? X509_STORE_CTX_get_error(sctx) : X509_V_ERR_UNSPECIFIED);
    record_refused_leaf(ssl, sctx);
    return 0;
}

const char* ClientCertVerifier::describe_verify_error(int err) {
    if (err == kRegistryUnavailable) return "the registry is unavailable (longer than registry.max_staleness)";
    return X509_verify_cert_error_string(err);
}

X509* ClientCertVerifier::refused_certificate(SSL* ssl) {
    return static_cast<X509*>(SSL_get_ex_data(ssl, refused_leaf_index()));
}

void ClientCertVerifier::attach_optional(SSL_CTX* ctx) {
    X509_STORE_up_ref(store_.get());
    SSL_CTX_set_cert_store(ctx, store_.get());
    SSL_CTX_set_ex_data(ctx, verifier_index(), this);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &optional_verify_callback);
}

int ClientCertVerifier::optional_verify_callback(int preverify_ok, X509_STORE_CTX* sctx) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
    const auto* self =
        static_cast<const ClientCertVerifier*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), verifier_index()));
    if (self) self->decide(preverify_ok, sctx); // records the error in the verify result
    else X509_STORE_CTX_set_error(sctx, X509_V_ERR_UNSPECIFIED);
    return 1;
}

bool ClientCertVerifier::issued_by_our_ca(SSL* ssl, X509* cert) {
    const auto* self =
        static_cast<const ClientCertVerifier*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), verifier_index()));
    pki::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!self || !cert || !ctx || X509_STORE_CTX_init(ctx.get(), self->store_.get(), cert, nullptr) != 1) return false;
    // The chain and its signatures without the CRLs: the revocation is what was refused.
    auto* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_clear_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME); // an expired lost terminal is one too
    return X509_verify_cert(ctx.get()) == 1;
}

int ClientCertVerifier::verify_now(X509* leaf) const {
    pki::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store_.get(), leaf, nullptr) != 1) return X509_V_ERR_OUT_OF_MEM;
    X509_STORE_CTX_set_ex_data(ctx.get(), store_ctx_verifier_index(), const_cast<ClientCertVerifier*>(this));
    X509_STORE_CTX_set_verify_cb(ctx.get(), [](int ok, X509_STORE_CTX* c) -> int {
        const auto* self = static_cast<const ClientCertVerifier*>(X509_STORE_CTX_get_ex_data(c, store_ctx_verifier_index()));
        return self->decide(ok, c);
    });
    if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
    const int err = X509_STORE_CTX_get_error(ctx.get());
    return err == X509_V_OK ? X509_V_ERR_UNSPECIFIED : err;
}

int ClientCertVerifier::verify_resumed(X509* leaf) const {
    constexpr std::int64_t kRemember = 60;
    constexpr std::size_t kMaxRemembered = 20000;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto key = pki::sha256_fingerprint_hex(leaf);
    {
        std::lock_guard lock(resumed_mutex_);
        if (auto it = chain_ok_until_.find(key); it != chain_ok_until_.end() && now < it->second)
            return check_leaf(leaf, key);
    }
    const int err = verify_now(leaf);
    if (err != X509_V_OK) return err;
    auto until = now + kRemember;
    if (auto not_after = pki::unix_seconds(X509_get0_notAfter(leaf))) until = std::min(until, *not_after);
    if (!allow_expired_crl_) until = std::min(until, crls_valid_until_);
    std::lock_guard lock(resumed_mutex_);
    if (chain_ok_until_.size() >= kMaxRemembered) chain_ok_until_.clear();
    chain_ok_until_[key] = until;
    return X509_V_OK;
}

// Resumption must never bypass revocation: a ticket is honoured only when its client
// certificate still passes today's checks; otherwise the client gets a full handshake,
// where the certificate is checked (and refused) as usual.
SSL_TICKET_RETURN ClientCertVerifier::on_ticket_decrypted(SSL* ssl, SSL_SESSION* session,
                                                          const unsigned char*, size_t,
                                                          SSL_TICKET_STATUS status, void* arg) {
    if (status != SSL_TICKET_SUCCESS && status != SSL_TICKET_SUCCESS_RENEW)
        return status == SSL_TICKET_EMPTY || status == SSL_TICKET_NO_DECRYPT
                   ? SSL_TICKET_RETURN_IGNORE_RENEW
                   : SSL_TICKET_RETURN_IGNORE;
    auto* self = static_cast<ClientCertVerifier*>(arg);
    X509* peer = SSL_SESSION_get0_peer(session);
    int err = peer ? self->verify_resumed(peer) : X509_V_ERR_UNSPECIFIED;
    if (err != X509_V_OK) {
        record_verify_error(ssl, err);
        log_event(spdlog::level::warn, "tls.resumption_refused",
                  {{"reason", to_string(from_verify_error(err))},
                   {"detail", describe_verify_error(err)},
                   {"subject", peer ? pki::subject_of(peer) : std::string()}});
        return SSL_TICKET_RETURN_IGNORE;
    }
    return status == SSL_TICKET_SUCCESS_RENEW ? SSL_TICKET_RETURN_USE_RENEW : SSL_TICKET_RETURN_USE;
}

HandshakeRefusal ClientCertVerifier::classify_failure(SSL* ssl, unsigned long openssl_error) {
    if (int err = recorded_verify_error(ssl); err != 0) return from_verify_error(err);
    if (ERR_GET_LIB(openssl_error) != ERR_LIB_SSL) return HandshakeRefusal::other;
    switch (ERR_GET_REASON(openssl_error)) {
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
        return HandshakeRefusal::no_certificate;
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_HTTP_REQUEST:
        return HandshakeRefusal::protocol;
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_CIPHERS_AVAILABLE:
    case SSL_R_NO_SHARED_GROUPS:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
        return HandshakeRefusal::cipher;
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
        return HandshakeRefusal::unknown_ca;
    default:
        return HandshakeRefusal::other;
    }
}

} // namespace sekisho::gateway
