#include "pki/jws.hpp"
#include "pki/jws_verify.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <vector>

using namespace sekisho::pki;

namespace {

std::string base64url_decode(const std::string& text) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        auto pos = alphabet.find(c);
        if (pos == std::string::npos) FAIL("not base64url: " << text);
        buffer = buffer << 6 | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(buffer >> bits & 0xff);
        }
    }
    return out;
}

// The value of "name":"..." in a flat JSON text (enough for the JWKS we produce).
std::string json_string(const std::string& json, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    auto start = json.find(key);
    REQUIRE(start != std::string::npos);
    start += key.size();
    return json.substr(start, json.find('"', start) - start);
}

std::vector<std::string> split_dots(const std::string& jws) {
    std::vector<std::string> parts;
    std::size_t pos = 0;
    for (std::size_t dot; (dot = jws.find('.', pos)) != std::string::npos; pos = dot + 1) {
        parts.push_back(jws.substr(pos, dot - pos));
    }
    parts.push_back(jws.substr(pos));
    return parts;
}

// A verifier built only from the published JWKS, as a backend would.
EvpPkeyPtr public_key_from_jwks(const std::string& jwks) {
    std::string point = "\x04" + base64url_decode(json_string(jwks, "x")) +
                        base64url_decode(json_string(jwks, "y"));
    REQUIRE(point.size() == 65);
    char group[] = "P-256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
        OSSL_PARAM_construct_end()};
    std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX_free>> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
    return EvpPkeyPtr(key);
}

bool verify_es256(const std::string& jws, EVP_PKEY* public_key) {
    auto parts = split_dots(jws);
    REQUIRE(parts.size() == 3);
    const std::string signing_input = parts[0] + "." + parts[1];
    const std::string raw = base64url_decode(parts[2]);
    if (raw.size() != 64) return false;

    std::unique_ptr<ECDSA_SIG, OsslDeleter<ECDSA_SIG_free>> sig(ECDSA_SIG_new());
    auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    REQUIRE(ECDSA_SIG_set0(sig.get(), BN_bin2bn(bytes, 32, nullptr), BN_bin2bn(bytes + 32, 32, nullptr)) == 1);
    unsigned char* der = nullptr;
    int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    REQUIRE(der_len > 0);

    std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>> ctx(EVP_MD_CTX_new());
    REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, public_key) == 1);
    int ok = EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                              reinterpret_cast<const unsigned char*>(signing_input.data()),
                              signing_input.size());
    OPENSSL_free(der);
    ERR_clear_error();
    return ok == 1;
}

} // namespace

TEST_CASE("base64url_encode: RFC 4648 vectors without padding", "[pki][jws]") {
    CHECK(base64url_encode("") == "");
    CHECK(base64url_encode("f") == "Zg");
    CHECK(base64url_encode("fo") == "Zm8");
    CHECK(base64url_encode("foo") == "Zm9v");
    CHECK(base64url_encode("foobar") == "Zm9vYmFy");
    CHECK(base64url_encode(std::string("\xfb\xff\xfe", 3)) == "-__-");
}

TEST_CASE("ES256 JWS verifies with the key published in the JWKS", "[pki][jws]") {
    Es256Signer signer(PrivateKey(generate_key(), nullptr));
    const std::string payload = R"({"iss":"sekisho","sub":"terminal-1","facility":"clinic-a"})";
    const std::string jws = signer.sign(payload);
    auto parts = split_dots(jws);
    REQUIRE(parts.size() == 3);

    CHECK(base64url_decode(parts[0]) ==
          R"({"alg":"ES256","typ":"JWT","kid":")" + signer.kid() + R"("})");
    CHECK(base64url_decode(parts[1]) == payload);
    CHECK(base64url_decode(parts[2]).size() == 64);
    CHECK(jws.find('=') == std::string::npos);

    EvpPkeyPtr verifier = public_key_from_jwks(jwk_set_json({signer.jwk()}));
    CHECK(verify_es256(jws, verifier.get()));

    SECTION("a tampered payload fails") {
        std::string forged = parts[0] + "." +
                             base64url_encode(R"({"iss":"sekisho","sub":"terminal-1","facility":"clinic-b"})") +
                             "." + parts[2];
        CHECK_FALSE(verify_es256(forged, verifier.get()));
    }
    SECTION("a tampered signature fails") {
        std::string raw = base64url_decode(parts[2]);
        raw[40] = static_cast<char>(raw[40] ^ 0x01);
        CHECK_FALSE(verify_es256(parts[0] + "." + parts[1] + "." + base64url_encode(raw), verifier.get()));
    }
    SECTION("another key's JWKS does not verify it") {
        Es256Signer other(PrivateKey(generate_key(), nullptr));
        EvpPkeyPtr other_verifier = public_key_from_jwks(jwk_set_json({other.jwk()}));
        CHECK_FALSE(verify_es256(jws, other_verifier.get()));
    }
}

TEST_CASE("kid is the RFC 7638 thumbprint and is stable", "[pki][jws]") {
    EvpPkeyPtr key = generate_key();
    EVP_PKEY_up_ref(key.get());
    EvpPkeyPtr same(key.get());
    Es256Signer a(PrivateKey(std::move(key), nullptr));
    Es256Signer b(PrivateKey(std::move(same), nullptr));
    CHECK(a.kid() == b.kid());
    CHECK(a.kid().size() == 43); // base64url of 32 bytes
    CHECK(jwk_set_json({a.jwk()}) == jwk_set_json({b.jwk()}));

    const std::string x = json_string(jwk_set_json({a.jwk()}), "x");
    const std::string y = json_string(jwk_set_json({a.jwk()}), "y");
    const std::string members = R"({"crv":"P-256","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})";
    unsigned char digest[32];
    REQUIRE(EVP_Digest(members.data(), members.size(), digest, nullptr, EVP_sha256(), nullptr) == 1);
    CHECK(a.kid() == base64url_encode(std::string(reinterpret_cast<char*>(digest), 32)));

    CHECK(jwk_set_json({a.jwk()}) == R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + x + R"(","y":")" + y +
                               R"(","kid":")" + a.kid() + R"(","alg":"ES256","use":"sig"}]})");

    Es256Signer other(PrivateKey(generate_key(), nullptr));
    CHECK(other.kid() != a.kid());
}

TEST_CASE("Es256Signer refuses keys that are not EC P-256", "[pki][jws]") {
    CHECK_THROWS_WITH(Es256Signer(PrivateKey(generate_key(KeyAlgorithm::rsa_2048), nullptr)),
                      Catch::Contains("not an EC P-256 key"));
    CHECK_THROWS_WITH(Es256Signer(PrivateKey(EvpPkeyPtr(EVP_EC_gen("P-384")), nullptr)),
                      Catch::Contains("not an EC P-256 key"));
    // The message says what the key is, so the operator knows which file is the odd one.
    CHECK_THROWS_WITH(es256_jwk(generate_key(KeyAlgorithm::rsa_2048).get()), Catch::Contains("RSA key (2048 bits)"));
}

namespace {

// A key made for this test alone, and its kid computed apart from this code (Python's hashlib
// over the RFC 7638 members of `openssl pkey -pubout`). Backends cache kids: a change of the
// derivation would make every instance publish keys under names nobody knows.
constexpr const char* kGoldenKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIPDn7De4eHmZBjVm
beBmcF9dS0NBQmxdSJFTQDXySrmhRANCAASFr+F83Vm+F4wjcaK83Mhp6g+DAD2M
5pW8lcmAXKHDsQzhzixe/mi8sMXvbiNrqj3zgs007yd5MvaJkdmy2v7/
-----END PRIVATE KEY-----
)";
constexpr const char* kGoldenKid = "v1jygYVebU4Z0bBiF3iswbN0RgMZAQvMl5BYOhrj_1A";

} // namespace

TEST_CASE("kid depends on the public key alone: private file, public file and signer agree", "[pki][jws]") {
    test::TempDir dir;
    write_file(dir.file("key.pem"), kGoldenKeyPem, 0600);
    const auto from_private = load_public_key_pem(dir.file("key.pem"));
    write_file(dir.file("key.pub"), public_key_to_pem(from_private.get()));
    const auto from_public = load_public_key_pem(dir.file("key.pub"));

    CHECK(es256_jwk(from_private.get()).kid == kGoldenKid);
    CHECK(es256_jwk(from_public.get()).kid == kGoldenKid);
    CHECK(es256_jwk(from_public.get()).json == es256_jwk(from_private.get()).json);
    const Es256Signer signer(load_private_key(dir.file("key.pem")));
    CHECK(signer.kid() == kGoldenKid);
    // Signatures are randomised; the kid in the header is not.
    CHECK(split_dots(signer.sign("{}"))[0] == split_dots(signer.sign("{}"))[0]);
}

TEST_CASE("jwk_set_json: every key once, in kid order whatever the order given", "[pki][jws]") {
    const auto a = es256_jwk(generate_key().get());
    const auto b = es256_jwk(generate_key().get());
    const auto c = es256_jwk(generate_key().get());
    const std::string set = jwk_set_json({a, b, c});
    CHECK(set == jwk_set_json({c, a, b}));
    for (const auto* key : {&a, &b, &c}) CHECK(set.find(key->json) != std::string::npos);
    std::vector<std::string> kids{a.kid, b.kid, c.kid};
    std::sort(kids.begin(), kids.end());
    CHECK(set.find(kids[0]) < set.find(kids[1]));
    CHECK(set.find(kids[1]) < set.find(kids[2]));
    CHECK(jwk_set_json({}) == R"({"keys":[]})");
}

TEST_CASE("load_public_key_pem refuses an encrypted key without asking for a passphrase", "[pki][jws]") {
    test::TempDir dir;
    const auto key = generate_key();
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                          const_cast<char*>("secret")) == 1);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    write_file(dir.file("encrypted.pem"), std::string_view(data, static_cast<std::size_t>(len)), 0600);
    CHECK_THROWS_WITH(load_public_key_pem(dir.file("encrypted.pem")), Catch::Contains("unencrypted private key"));
    // Nothing of the failed attempts is left for the next OpenSSL error message to pick up.
    write_file(dir.file("plain.pem"), private_key_to_pem(key.get()), 0600);
    REQUIRE(load_public_key_pem(dir.file("plain.pem")));
    CHECK(ERR_peek_error() == 0);
}
