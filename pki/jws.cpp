#include "pki/jws.hpp"
#include "codec/sha256.hpp"

#include <openssl/ec.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace sekisho::pki {
namespace {

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>>;

// DER SubjectPublicKeyInfo of a P-256 key up to the uncompressed point's 0x04 marker:
// SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 04 || X || Y } }.
constexpr std::array<unsigned char, 27> kP256SpkiPrefix = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
    0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04};
constexpr std::size_t kCoordinateBytes = 32;

struct P256Point {
    std::string x, y; // big-endian, 32 bytes each
};

// What a refused key is, for the operator: "an RSA key (2048 bits)".
std::string describe(EVP_PKEY* key) {
    const char* type = EVP_PKEY_get0_type_name(key);
    return std::string("an ") + (type ? type : "unknown") + " key (" + std::to_string(EVP_PKEY_get_bits(key)) +
           " bits)";
}

// Reads the public point through the SPKI encoding, which works the same for file keys and
// for PKCS#11 keys held by libp11.
P256Point public_point_of(EVP_PKEY* key) {
    if (key == nullptr) throw std::runtime_error("ES256: no key given");
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key, &der);
    if (len < 0) throw OpensslError("ES256: cannot encode the public key");
    std::string spki(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    if (spki.size() != kP256SpkiPrefix.size() + 2 * kCoordinateBytes ||
        std::memcmp(spki.data(), kP256SpkiPrefix.data(), kP256SpkiPrefix.size()) != 0) {
        throw std::runtime_error("the key is not an EC P-256 key but " + describe(key) +
                                 "; ES256 needs P-256 (openssl genpkey -algorithm EC -pkeyopt "
                                 "ec_paramgen_curve:P-256)");
    }
    return {spki.substr(kP256SpkiPrefix.size(), kCoordinateBytes),
            spki.substr(kP256SpkiPrefix.size() + kCoordinateBytes, kCoordinateBytes)};
}

std::string sha256(std::string_view data) {
    const auto digest = codec::sha256(data);
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

// ECDSA-Sig-Value (DER) → R || S, each left-padded to 32 bytes (RFC 7518 §3.4).
// R||S with S in its lower half (S and n-S both verify; the low one is the only form a
// verifier that insists on one spelling accepts: disclosure::verify_signed_document).
std::string der_to_raw_signature(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) throw OpensslError("ES256: cannot decode the ECDSA signature");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    BignumPtr low_s(BN_dup(s));
    BignumPtr order(BN_bin2bn(kP256Order, sizeof kP256Order, nullptr));
    BignumPtr half(BN_dup(order.get()));
    if (!low_s || !order || !half || BN_rshift1(half.get(), order.get()) != 1)
        throw OpensslError("ES256: cannot normalise the signature");
    if (BN_cmp(low_s.get(), half.get()) > 0 && BN_sub(low_s.get(), order.get(), low_s.get()) != 1)
        throw OpensslError("ES256: cannot normalise the signature");
    std::string raw(2 * kCoordinateBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(r, out, kCoordinateBytes) < 0 ||
        BN_bn2binpad(low_s.get(), out + kCoordinateBytes, kCoordinateBytes) < 0) {
        throw OpensslError("ES256: signature component longer than 32 bytes");
    }
    return raw;
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
        out += kAlphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        unsigned v = byte(i) << 16;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
    } else if (bytes.size() - i == 2) {
        unsigned v = byte(i) << 16 | byte(i + 1) << 8;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
    }
    return out;
}

Es256Jwk es256_jwk(EVP_PKEY* key) {
    const P256Point point = public_point_of(key);
    const std::string x = base64url_encode(point.x);
    const std::string y = base64url_encode(point.y);
    Es256Jwk jwk;
    // RFC 7638: required members only, lexicographic order, no whitespace.
    jwk.kid = base64url_encode(
        sha256(R"({"crv":"P-256","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})"));
    jwk.json = R"({"kty":"EC","crv":"P-256","x":")" + x + R"(","y":")" + y + R"(","kid":")" + jwk.kid +
               R"(","alg":"ES256","use":"sig"})";
    return jwk;
}

std::string jwk_set_json(std::vector<Es256Jwk> keys) {
    std::sort(keys.begin(), keys.end(), [](const Es256Jwk& a, const Es256Jwk& b) { return a.kid < b.kid; });
    std::string out = R"({"keys":[)";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i > 0) out += ',';
        out += keys[i].json;
    }
    return out + "]}";
}

std::string es256_header(std::string_view typ, std::string_view kid) {
    return R"({"alg":"ES256","typ":")" + std::string(typ) + R"(","kid":")" + std::string(kid) + R"("})";
}

Es256Signer::Es256Signer(PrivateKey key) : key_(std::move(key)), jwk_(es256_jwk(key_.get())) {
    header_b64_ = base64url_encode(es256_header("JWT", jwk_.kid));
}

std::string Es256Signer::sign(std::string_view payload_json) const {
    return sign_input(header_b64_ + "." + base64url_encode(payload_json));
}

std::string Es256Signer::sign_typed(std::string_view payload, std::string_view typ) const {
    return sign_input(base64url_encode(es256_header(typ, jwk_.kid)) + "." + base64url_encode(payload));
}

std::string Es256Signer::sign_input(std::string signing_input) const {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t der_len = 0;
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &der_len,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw OpensslError("ES256: cannot start signing with key " + jwk_.kid);
    }
    std::string der(der_len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        throw OpensslError("ES256: signing failed with key " + jwk_.kid);
    }
    der.resize(der_len);
    return signing_input + "." + base64url_encode(der_to_raw_signature(der));
}

} // namespace sekisho::pki
