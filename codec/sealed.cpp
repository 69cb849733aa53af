#include "codec/sealed.hpp"

#include "codec/random.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <stdexcept>

namespace sekisho::codec {
namespace {

constexpr std::size_t kNonce = 12;
constexpr std::size_t kTag = 16;

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Fetched once: an implicit fetch per call takes the provider lock (see sha256.hpp).
const EVP_CIPHER* aes256gcm() {
    static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (!cipher) throw std::runtime_error("OpenSSL has no AES-256-GCM (a broken install)");
    return cipher;
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

} // namespace

SealKey derive_key(std::string_view secret, std::string_view salt, std::string_view info) {
    EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    if (!kdf) throw std::runtime_error("OpenSSL has no HKDF (a broken install)");
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!ctx) throw std::runtime_error("HKDF: out of memory");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(secret.data()), secret.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
        OSSL_PARAM_construct_end()};
    SealKey out{};
    const int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) throw std::runtime_error("HKDF-SHA256 derivation failed");
    return out;
}

std::string seal(const SealKey& key, std::string_view plaintext, std::string_view associated) {
    std::string out = random_bytes(kNonce);
    out.resize(kNonce + plaintext.size() + kTag);
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), aes256gcm(), key.data(), dst, nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(associated), static_cast<int>(associated.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst + kNonce, &len, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), dst + kNonce + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + kNonce + plaintext.size()) != 1)
        throw std::runtime_error("AES-256-GCM sealing failed");
    return out;
}

std::optional<std::string> open_sealed(const SealKey& key, std::string_view sealed, std::string_view associated) {
    if (sealed.size() < kNonce + kTag) return std::nullopt;
    const std::size_t n = sealed.size() - kNonce - kTag;
    std::string out(n, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    if (!ctx || EVP_DecryptInit_ex2(ctx.get(), aes256gcm(), key.data(), bytes(sealed), nullptr) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(associated), static_cast<int>(associated.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), dst, &len, bytes(sealed) + kNonce, static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag,
                            const_cast<unsigned char*>(bytes(sealed) + kNonce + n)) != 1)
        return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), dst + len, &len) != 1) return std::nullopt;
    return out;
}

} // namespace sekisho::codec
