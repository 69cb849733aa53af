#include "codec/passphrase.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <stdexcept>

namespace sekisho::codec {

SealKey passphrase_key(std::string_view passphrase, std::string_view salt, const ScryptParams& params) {
    const bool power_of_two = params.n != 0 && (params.n & (params.n - 1)) == 0;
    if (!power_of_two || params.n < (1u << 14) || params.n > (1u << 22) || params.r < 1 || params.r > 32 ||
        params.p < 1 || params.p > 16)
        throw std::invalid_argument("scrypt parameters out of bounds (N a power of two in 2^14..2^22, r 1..32, "
                                    "p 1..16)");
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
    if (!kdf) throw std::runtime_error("OpenSSL has no scrypt (a broken install)");
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!ctx) throw std::runtime_error("scrypt: out of memory");
    std::uint64_t n = params.n;
    std::uint32_t r = params.r, p = params.p;
    // 128 * r * N for the work area, and room for the rest; OpenSSL's default cap is 32 MiB.
    std::uint64_t maxmem = 128ull * r * n * p + (64ull << 20);
    OSSL_PARAM list[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(passphrase.data()),
                                          passphrase.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    SealKey key{};
    const int ok = EVP_KDF_derive(ctx, key.data(), key.size(), list);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) throw std::runtime_error("scrypt: the key derivation failed (out of memory?)");
    return key;
}

} // namespace sekisho::codec
