#include "pki/x509_build.hpp"

#include "pki/random.hpp"
#include "codec/random.hpp"

#include <openssl/bn.h>

#include <ctime>

namespace sekisho::pki::detail {

using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;

const EVP_MD* signature_digest_for(EVP_PKEY* key) {
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        int bits = EVP_PKEY_get_bits(key);
        if (bits > 384) return EVP_sha512();
        if (bits > 256) return EVP_sha384();
    }
    return EVP_sha256();
}

void require_strong_key(EVP_PKEY* key, const std::string& whose) {
    if (key == nullptr) throw std::runtime_error(whose + ": no key given");
    const int type = EVP_PKEY_get_base_id(key);
    const int bits = EVP_PKEY_get_bits(key);
    if (type == EVP_PKEY_RSA && bits >= 2048) return;
    if (type == EVP_PKEY_EC && bits >= 256) return;
    throw std::runtime_error(whose + ": key is " + std::string(OBJ_nid2sn(type)) + " " +
                             std::to_string(bits) +
                             " bits; RSA >= 2048 or ECDSA >= P-256 is required");
}

void set_time(ASN1_TIME* target, std::chrono::system_clock::time_point when,
              const std::string& what) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    if (ASN1_TIME_set(target, t) == nullptr) throw OpensslError("cannot set " + what);
}

void add_extension(X509* subject, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
    ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(subject, ext.get(), -1) != 1) {
        throw OpensslError("cannot add extension " + std::string(OBJ_nid2sn(nid)) + " = " + value);
    }
}

EvpPkeyPtr public_key_copy(EVP_PKEY* key, const std::string& whose) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    if (len <= 0) throw OpensslError(whose + ": cannot encode the public key");
    const unsigned char* p = der;
    EvpPkeyPtr copy(d2i_PUBKEY(nullptr, &p, len));
    OPENSSL_free(der);
    if (!copy) throw OpensslError(whose + ": cannot decode the public key");
    return copy;
}

void fill_subject(X509_NAME* name, const std::string& common_name, const std::string& organization,
                  const std::string& what) {
    if (common_name.empty()) throw std::runtime_error(what + ": the common name (CN) is empty");
    auto add = [&](int nid, const std::string& value) {
        if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                       static_cast<int>(value.size()), -1, 0) != 1) {
            throw OpensslError(what + ": cannot set subject " + OBJ_nid2sn(nid) + "=" + value);
        }
    };
    if (!organization.empty()) add(NID_organizationName, organization);
    add(NID_commonName, common_name);
}

void set_random_serial(X509* cert) {
    std::string bytes = codec::random_bytes(16);
    bytes[0] = static_cast<char>((bytes[0] & 0x7f) | 0x40); // positive, and never short
    BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()), nullptr));
    if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
        throw OpensslError("cannot set a certificate serial number");
    }
}

} // namespace sekisho::pki::detail
