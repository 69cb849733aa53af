#include "pki/jws.hpp"
#include "pki/keygen.hpp"

#include <catch2/catch.hpp>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

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

    EvpPkeyPtr verifier = public_key_from_jwks(signer.jwks_json());
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
        EvpPkeyPtr other_verifier = public_key_from_jwks(other.jwks_json());
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
    CHECK(a.jwks_json() == b.jwks_json());

    const std::string x = json_string(a.jwks_json(), "x");
    const std::string y = json_string(a.jwks_json(), "y");
    const std::string members = R"({"crv":"P-256","kty":"EC","x":")" + x + R"(","y":")" + y + R"("})";
    unsigned char digest[32];
    REQUIRE(EVP_Digest(members.data(), members.size(), digest, nullptr, EVP_sha256(), nullptr) == 1);
    CHECK(a.kid() == base64url_encode(std::string(reinterpret_cast<char*>(digest), 32)));

    CHECK(a.jwks_json() == R"({"keys":[{"kty":"EC","crv":"P-256","x":")" + x + R"(","y":")" + y +
                               R"(","kid":")" + a.kid() + R"(","alg":"ES256","use":"sig"}]})");

    Es256Signer other(PrivateKey(generate_key(), nullptr));
    CHECK(other.kid() != a.kid());
}

TEST_CASE("Es256Signer refuses keys that are not EC P-256", "[pki][jws]") {
    CHECK_THROWS_WITH(Es256Signer(PrivateKey(generate_key(KeyAlgorithm::rsa_2048), nullptr)),
                      Catch::Contains("not an EC P-256 key"));
    CHECK_THROWS_WITH(Es256Signer(PrivateKey(EvpPkeyPtr(EVP_EC_gen("P-384")), nullptr)),
                      Catch::Contains("not an EC P-256 key"));
}
