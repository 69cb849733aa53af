// Making certificate requests in-process for the CSR policy and EST tests.
#pragma once

#include "pki/csr_policy.hpp"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::pki::test {

// (extension NID, value in openssl.cnf syntax), e.g. {NID_ext_key_usage, "serverAuth"}.
using RequestedExtensions = std::vector<std::pair<int, std::string>>;

inline X509ReqPtr make_csr(EVP_PKEY* key, const RequestedExtensions& extensions = {},
                           const EVP_MD* digest = EVP_sha256(), const std::string& cn = "t") {
    X509ReqPtr csr(X509_REQ_new());
    if (!csr || X509_REQ_set_version(csr.get(), X509_REQ_VERSION_1) != 1 ||
        X509_NAME_add_entry_by_NID(X509_REQ_get_subject_name(csr.get()), NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
        X509_REQ_set_pubkey(csr.get(), key) != 1) {
        throw OpensslError("test CSR");
    }
    if (!extensions.empty()) {
        STACK_OF(X509_EXTENSION)* stack = sk_X509_EXTENSION_new_null();
        for (const auto& [nid, value] : extensions) {
            X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, nid, value.c_str());
            if (ext == nullptr) throw OpensslError("test CSR extension " + value);
            sk_X509_EXTENSION_push(stack, ext);
        }
        const int added = X509_REQ_add_extensions(csr.get(), stack);
        sk_X509_EXTENSION_pop_free(stack, X509_EXTENSION_free);
        if (added != 1) throw OpensslError("test CSR extensions");
    }
    if (X509_REQ_sign(csr.get(), key, digest) <= 0) throw OpensslError("test CSR signature");
    return csr;
}

inline std::string csr_der(X509_REQ* csr) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_REQ(csr, &der);
    if (length < 0) throw OpensslError("test CSR encoding");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

inline EvpPkeyPtr rsa_key(unsigned bits) {
    EvpPkeyPtr key(EVP_RSA_gen(bits));
    if (!key) throw OpensslError("test RSA key");
    return key;
}

inline EvpPkeyPtr ec_key(const char* curve) {
    EvpPkeyPtr key(EVP_EC_gen(curve));
    if (!key) throw OpensslError("test EC key");
    return key;
}

} // namespace sekisho::pki::test
