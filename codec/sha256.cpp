#include "codec/sha256.hpp"

#include "codec/hex.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace sekisho::codec {
namespace {

const EVP_MD* fetched_sha256() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA256", nullptr),
                                                                    &EVP_MD_free);
    if (!md) throw std::runtime_error("SHA-256 is not available from OpenSSL's providers");
    return md.get();
}

EVP_MD_CTX* thread_context() {
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                                  &EVP_MD_CTX_free);
    if (!ctx) throw std::runtime_error("SHA-256: out of memory");
    return ctx.get();
}

} // namespace

Sha256 sha256(std::string_view data) {
    Sha256 out{};
    EVP_MD_CTX* ctx = thread_context();
    unsigned int length = 0;
    if (EVP_DigestInit_ex2(ctx, fetched_sha256(), nullptr) != 1 || EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out.data(), &length) != 1 || length != out.size())
        throw std::runtime_error("SHA-256 failed");
    return out;
}

std::string sha256_hex(std::string_view data) {
    const auto digest = sha256(data);
    return to_lower_hex(digest.data(), digest.size());
}

} // namespace sekisho::codec
