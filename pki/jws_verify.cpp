#include "pki/jws_verify.hpp"

#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <fstream>
#include <sstream>

namespace sekisho::pki {
namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

// Never prompt on a terminal (sekisho --check, a reload): an encrypted key file is an error.
int refuse_passphrase(char*, int, int, void*) { return -1; }

} // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = decode_char(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if (bits >= 6) return std::nullopt; // a dangling character
    return out;
}

std::optional<std::string> verify_es256(std::string_view jws, EVP_PKEY* public_key) {
    const auto dot1 = jws.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : jws.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || jws.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    const auto header = base64url_decode(jws.substr(0, dot1));
    const auto payload = base64url_decode(jws.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto signature = base64url_decode(jws.substr(dot2 + 1));
    if (!header || !payload || !signature || signature->size() != 64) return std::nullopt;
    if (header->find("\"alg\":\"ES256\"") == std::string::npos) return std::nullopt;

    const auto* raw = reinterpret_cast<const unsigned char*>(signature->data());
    BignumPtr r(BN_bin2bn(raw, 32, nullptr));
    BignumPtr s(BN_bin2bn(raw + 32, 32, nullptr));
    EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
    r.release(); // owned by sig now
    s.release();
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    if (der_len <= 0) return std::nullopt;
    std::string der_sig(reinterpret_cast<char*>(der), static_cast<std::size_t>(der_len));
    OPENSSL_free(der);

    const std::string_view signing_input = jws.substr(0, dot2);
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) != 1) return std::nullopt;
    const int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_sig.data()), der_sig.size(),
                                    reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    if (ok != 1) return std::nullopt;
    return payload;
}

EvpPkeyPtr load_public_key_pem(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OpensslError("cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return load_public_key_pem_text(text.str(), path);
}

EvpPkeyPtr load_public_key_pem_text(const std::string& pem, const std::string& path) {
    auto bio = [&] { return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))); };
    // The forms tried before the one that matched leave their failures in OpenSSL's queue.
    auto found = [](EVP_PKEY* key) {
        ERR_clear_error();
        return EvpPkeyPtr(key);
    };
    if (auto b = bio(); EVP_PKEY* key = PEM_read_bio_PUBKEY(b.get(), nullptr, refuse_passphrase, nullptr)) return found(key);
    if (auto b = bio(); X509* cert = PEM_read_bio_X509(b.get(), nullptr, refuse_passphrase, nullptr)) {
        X509Ptr owned(cert);
        if (EVP_PKEY* key = X509_get_pubkey(cert)) return found(key);
    }
    if (auto b = bio(); EVP_PKEY* key = PEM_read_bio_PrivateKey(b.get(), nullptr, refuse_passphrase, nullptr)) return found(key);
    throw OpensslError(path + ": no public key, certificate or unencrypted private key in PEM form");
}

std::string public_key_to_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw OpensslError("cannot encode the public key");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

} // namespace sekisho::pki
