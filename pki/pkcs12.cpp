#include "pki/pkcs12.hpp"

#include <openssl/err.h>
#include <openssl/pkcs12.h>

namespace sekisho::pki {
namespace {

using Pkcs12Ptr = std::unique_ptr<PKCS12, OsslDeleter<PKCS12_free>>;
using CertStackPtr = std::unique_ptr<STACK_OF(X509), decltype([](STACK_OF(X509)* s) {
                                         sk_X509_pop_free(s, X509_free);
                                     })>;

constexpr int kIterations = 100'000;

} // namespace

std::string export_pkcs12(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain,
                          const std::string& password, const std::string& friendly_name) {
    const std::string what = "PKCS#12 for '" + friendly_name + "'";
    if (password.empty()) throw std::runtime_error(what + ": an empty password is not allowed");
    CertStackPtr cas(sk_X509_new_null());
    if (!cas) throw OpensslError(what + ": out of memory");
    for (X509* ca : chain) {
        if (X509_up_ref(ca) != 1 || sk_X509_push(cas.get(), ca) <= 0) {
            throw OpensslError(what + ": cannot add a CA certificate");
        }
    }
    // mac_iter -1: no MAC yet; PKCS12_create would use HMAC-SHA1, we add HMAC-SHA256 below.
    Pkcs12Ptr p12(PKCS12_create(password.c_str(), friendly_name.c_str(), key, cert, cas.get(),
                                NID_aes_256_cbc, NID_aes_256_cbc, kIterations, -1, 0));
    if (!p12) throw OpensslError(what + ": cannot build the bundle");
    if (PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, 0, kIterations, EVP_sha256()) != 1) {
        throw OpensslError(what + ": cannot add the MAC");
    }
    unsigned char* der = nullptr;
    int len = i2d_PKCS12(p12.get(), &der);
    if (len < 0) throw OpensslError(what + ": cannot encode the bundle");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

Pkcs12Contents import_pkcs12(std::string_view der, const std::string& password) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
    if (!p12) throw OpensslError("not a PKCS#12 file");
    if (PKCS12_mac_present(p12.get()) &&
        PKCS12_verify_mac(p12.get(), password.c_str(), -1) != 1) {
        ERR_clear_error();
        throw std::runtime_error("PKCS#12: wrong password (the integrity MAC does not verify)");
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* cas = nullptr;
    if (PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &cas) != 1) {
        throw OpensslError("PKCS#12: cannot decrypt the contents");
    }
    Pkcs12Contents contents{EvpPkeyPtr(key), X509Ptr(cert), {}};
    CertStackPtr chain(cas);
    while (chain && sk_X509_num(chain.get()) > 0) {
        contents.chain.emplace_back(sk_X509_shift(chain.get()));
    }
    return contents;
}

} // namespace sekisho::pki
