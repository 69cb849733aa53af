#include "pki/ca_chain.hpp"

#include "pki/certificate.hpp"

#include <openssl/err.h>


namespace sekisho::pki {

bool is_ca_certificate(X509* cert) {
    return (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
}

bool is_self_signed(X509* cert) {
    return X509_self_signed(cert, 1) == 1;
}

bool certificate_matches_key(X509* cert, EVP_PKEY* key) {
    const bool matches = X509_check_private_key(cert, key) == 1;
    ERR_clear_error(); // a mismatch is an answer, not an error to report later
    return matches;
}

std::string chain_error(X509* cert, X509* root) {
    X509StorePtr store(X509_STORE_new());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!store || !ctx || X509_STORE_add_cert(store.get(), root) != 1 ||
        X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr) != 1) {
        throw OpensslError("cannot set up a certificate chain check");
    }
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_X509_STRICT);
    if (X509_verify_cert(ctx.get()) == 1) return "";
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return X509_verify_cert_error_string(error);
}

std::string crl_signature_error(X509_CRL* crl, X509* issuer) {
    EVP_PKEY* key = X509_get0_pubkey(issuer);
    if (key == nullptr) return "the issuer certificate has no readable public key";
    if (X509_CRL_verify(crl, key) == 1) return "";
    ERR_clear_error();
    return "the CRL signature does not verify with the key of " + subject_of(issuer);
}

std::chrono::system_clock::time_point not_after_of(X509* cert) {
    const auto seconds = unix_seconds(X509_get0_notAfter(cert));
    if (!seconds) throw OpensslError("cannot read notAfter of " + subject_of(cert));
    return std::chrono::system_clock::time_point(std::chrono::seconds(*seconds));
}

std::string name_entry(const X509_NAME* name, int nid) {
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) return "";
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
    if (length < 0) return "";
    std::string text(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return text;
}

} // namespace sekisho::pki
