#include "pki/csr_policy.hpp"
#include "pki/keygen.hpp"
#include "pki_csr_test_support.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/pem.h>

#include <fstream>
#include <sstream>

using namespace sekisho::pki;
using sekisho::pki::test::csr_der;
using sekisho::pki::test::make_csr;

namespace {

// RSA key generation is slow; one of each size for the whole binary.
EVP_PKEY* rsa_1024() {
    static EvpPkeyPtr key = test::rsa_key(1024);
    return key.get();
}
EVP_PKEY* rsa_2048() {
    static EvpPkeyPtr key = test::rsa_key(2048);
    return key.get();
}

CsrCheck check(X509_REQ* csr, const CsrPolicy& policy = {}) {
    return check_csr(csr, policy);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Runs `openssl req` making a new key and a DER CSR in dir; returns the CSR bytes.
std::string openssl_req(const test::TempDir& dir, const std::string& options) {
    const std::string command = "openssl req -new " + options + " -nodes -subj /CN=t -keyout " +
                                dir.file("key.pem") + " -outform DER -out " + dir.file("csr.der") + " 2>" +
                                dir.file("stderr.txt");
    auto result = test::run_command(command);
    INFO(command << "\n" << read_file(dir.file("stderr.txt")));
    REQUIRE(result.status == 0);
    return read_file(dir.file("csr.der"));
}

} // namespace

TEST_CASE("acceptable CSRs pass and hand back their public key", "[pki][csr]") {
    SECTION("EC P-256") {
        EvpPkeyPtr key = generate_key(KeyAlgorithm::ec_p256);
        X509ReqPtr csr = make_csr(key.get(), {}, EVP_sha256(), "受付端末1");
        CsrCheck result = check(csr.get());
        INFO(result.reason);
        REQUIRE(result.ok);
        CHECK(result.reason.empty());
        CHECK(result.subject_cn == "受付端末1");
        REQUIRE(result.public_key);
        CHECK(EVP_PKEY_eq(result.public_key.get(), key.get()) == 1);
        CHECK(result.ignored_extensions.empty());
    }
    SECTION("EC P-384 signed with SHA-384") {
        X509ReqPtr csr = make_csr(test::ec_key("secp384r1").get(), {}, EVP_sha384());
        CHECK(check(csr.get()).ok);
    }
    SECTION("RSA 2048") {
        X509ReqPtr csr = make_csr(rsa_2048());
        CsrCheck result = check(csr.get());
        INFO(result.reason);
        CHECK(result.ok);
    }
    SECTION("the public key outlives the CSR") {
        EvpPkeyPtr key = generate_key();
        EvpPkeyPtr kept = check(make_csr(key.get()).get()).public_key;
        REQUIRE(kept);
        CHECK(EVP_PKEY_eq(kept.get(), key.get()) == 1);
    }
}

TEST_CASE("weak or unwanted keys are refused", "[pki][csr]") {
    SECTION("RSA 1024") {
        CsrCheck result = check(make_csr(rsa_1024()).get());
        CHECK_FALSE(result.ok);
        CHECK(result.reason == "RSA key of 1024 bits is too weak: at least 2048 required");
        CHECK_FALSE(result.public_key);
    }
    SECTION("RSA 2048 below a stricter policy") {
        CsrPolicy policy;
        policy.min_rsa_bits = 3072;
        CHECK(check(make_csr(rsa_2048()).get(), policy).reason ==
              "RSA key of 2048 bits is too weak: at least 3072 required");
    }
    SECTION("RSA when the policy allows EC only") {
        CsrPolicy policy;
        policy.allow_rsa = false;
        CsrCheck result = check(make_csr(rsa_2048()).get(), policy);
        CHECK_FALSE(result.ok);
        CHECK(result.reason == "RSA keys are not accepted: use an EC key on prime256v1, secp384r1");
    }
    SECTION("EC on a curve outside the list") {
        CsrCheck result = check(make_csr(test::ec_key("secp521r1").get(), {}, EVP_sha512()).get());
        CHECK(result.reason == "EC curve secp521r1 is not accepted: use one of prime256v1, secp384r1");
    }
    SECTION("NIST curve names in the policy") {
        CsrPolicy policy;
        policy.ec_curves = {"P-256"};
        CHECK(check(make_csr(generate_key().get()).get(), policy).ok);
        CHECK_FALSE(check(make_csr(test::ec_key("secp384r1").get()).get(), policy).ok);
    }
    SECTION("Ed25519") {
        EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
        REQUIRE(key);
        CsrCheck result = check(make_csr(key.get(), {}, nullptr).get());
        CHECK_FALSE(result.ok);
        CHECK_THAT(result.reason, Catch::StartsWith("key type ED25519 is not accepted: use an EC key"));
    }
}

TEST_CASE("SHA-1 and MD5 signatures are refused", "[pki][csr]") {
    SECTION("ECDSA with SHA-1") {
        CsrCheck result = check(make_csr(generate_key().get(), {}, EVP_sha1()).get());
        CHECK_FALSE(result.ok);
        CHECK(result.reason == "the CSR is signed with ecdsa-with-SHA1 (SHA1), which is broken: "
                               "sign it with SHA-256 or stronger");
    }
    SECTION("RSA with MD5") {
        CsrCheck result = check(make_csr(rsa_2048(), {}, EVP_md5()).get());
        CHECK_FALSE(result.ok);
        CHECK_THAT(result.reason, Catch::Contains("md5WithRSAEncryption (MD5), which is broken"));
    }
}

TEST_CASE("a CSR whose signature does not verify is refused", "[pki][csr]") {
    const std::string pop_refusal =
        "the CSR signature does not verify: no proof of possession of the private key";
    EvpPkeyPtr key = generate_key();
    std::string der = csr_der(make_csr(key.get()).get());
    REQUIRE(check(parse_csr_der(der).get()).ok);

    SECTION("a byte of the signature flipped") {
        der.back() = static_cast<char>(der.back() ^ 0x01); // the signature BIT STRING ends the DER
        CsrCheck result = check(parse_csr_der(der).get());
        CHECK_FALSE(result.ok);
        CHECK(result.reason == pop_refusal);
    }
    SECTION("the subject changed after signing") {
        const auto at = der.find("\x06\x03\x55\x04\x03\x0c\x01t"); // CN, UTF8String "t"
        REQUIRE(at != std::string::npos);
        der[at + 7] = 'u';
        X509ReqPtr csr = parse_csr_der(der);
        CsrCheck result = check(csr.get());
        CHECK(result.subject_cn == "u");
        CHECK(result.reason == pop_refusal);
    }
    SECTION("signed by another key than the one it carries") {
        X509ReqPtr csr = make_csr(key.get());
        EvpPkeyPtr other = generate_key();
        REQUIRE(X509_REQ_sign(csr.get(), other.get(), EVP_sha256()) > 0);
        CHECK(check(csr.get()).reason == pop_refusal);
    }
}

TEST_CASE("extensions chosen by the caller are refused or ignored", "[pki][csr]") {
    EvpPkeyPtr key = generate_key();
    auto check_with = [&](test::RequestedExtensions extensions) {
        return check(make_csr(key.get(), extensions).get());
    };
    SECTION("extendedKeyUsage serverAuth") {
        CsrCheck result = check_with({{NID_ext_key_usage, "serverAuth"}});
        CHECK_FALSE(result.ok);
        CHECK(result.reason ==
              "the CSR asks for serverAuth; device certificates are for client authentication only");
    }
    SECTION("extendedKeyUsage clientAuth with codeSigning") {
        CHECK(check_with({{NID_ext_key_usage, "clientAuth,codeSigning"}}).reason ==
              "the CSR asks for codeSigning; device certificates are for client authentication only");
    }
    SECTION("extendedKeyUsage with an unnamed OID") {
        CHECK(check_with({{NID_ext_key_usage, "1.3.6.1.4.1.99999.1"}}).reason ==
              "the CSR asks for 1.3.6.1.4.1.99999.1; device certificates are for client "
              "authentication only");
    }
    SECTION("basicConstraints CA:TRUE") {
        CsrCheck result = check_with({{NID_basic_constraints, "critical,CA:TRUE"}});
        CHECK_FALSE(result.ok);
        CHECK(result.reason == "the CSR asks for basicConstraints CA:TRUE; a device certificate "
                               "cannot be a certificate authority");
    }
    SECTION("keyUsage keyCertSign / cRLSign") {
        CHECK(check_with({{NID_key_usage, "digitalSignature,keyCertSign"}}).reason ==
              "the CSR asks for keyUsage keyCertSign; only certificate authorities sign "
              "certificates and CRLs");
        CHECK(check_with({{NID_key_usage, "cRLSign"}}).reason ==
              "the CSR asks for keyUsage cRLSign; only certificate authorities sign "
              "certificates and CRLs");
    }
    SECTION("harmless requests are ignored and reported") {
        CsrCheck result = check_with({{NID_subject_alt_name, "DNS:evil.example,URI:urn:sekisho:device:x:y"},
                                      {NID_ext_key_usage, "clientAuth"},
                                      {NID_basic_constraints, "CA:FALSE"},
                                      {NID_key_usage, "critical,digitalSignature,keyAgreement"}});
        INFO(result.reason);
        REQUIRE(result.ok);
        CHECK(result.ignored_extensions ==
              std::vector<std::string>{"subjectAltName", "extendedKeyUsage", "basicConstraints", "keyUsage"});
    }
}

TEST_CASE("parsing CSRs: DER, PEM and garbage", "[pki][csr]") {
    EvpPkeyPtr key = generate_key();
    X509ReqPtr csr = make_csr(key.get());
    const std::string der = csr_der(csr.get());
    CHECK(check(parse_csr_der(der).get()).ok);

    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), csr.get()) == 1);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    CHECK(check(parse_csr_pem(std::string_view(data, static_cast<std::size_t>(length))).get()).ok);

    CHECK_THROWS_WITH(parse_csr_der(""), "the CSR is empty");
    CHECK_THROWS_WITH(parse_csr_der("not a csr"),
                      Catch::StartsWith("the data is not a DER-encoded PKCS#10 certificate request"));
    CHECK_THROWS_WITH(parse_csr_der(der + "xx"), "the CSR is followed by 2 unexpected bytes");
    CHECK_THROWS_WITH(parse_csr_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                      Catch::StartsWith("the text is not a PEM certificate request"));
    CHECK_THROWS_AS(check_csr(nullptr, {}), std::invalid_argument);
}

TEST_CASE("CSRs made by the openssl command line", "[pki][csr][interop]") {
    test::TempDir dir;
    SECTION("EC P-256: accepted, and the key is the one openssl wrote") {
        X509ReqPtr csr = parse_csr_der(openssl_req(dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-256"));
        CsrCheck result = check(csr.get());
        INFO(result.reason);
        REQUIRE(result.ok);
        CHECK(result.subject_cn == "t");
        BioPtr bio(BIO_new_file(dir.file("key.pem").c_str(), "r"));
        REQUIRE(bio);
        EvpPkeyPtr private_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
        REQUIRE(private_key);
        CHECK(EVP_PKEY_eq(result.public_key.get(), private_key.get()) == 1);
    }
    SECTION("asking for serverAuth: refused") {
        X509ReqPtr csr = parse_csr_der(openssl_req(
            dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -addext extendedKeyUsage=serverAuth"));
        CHECK(check(csr.get()).reason ==
              "the CSR asks for serverAuth; device certificates are for client authentication only");
    }
    SECTION("asking for a SAN: accepted, the SAN ignored") {
        X509ReqPtr csr = parse_csr_der(openssl_req(
            dir, "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -addext subjectAltName=DNS:t.example"));
        CsrCheck result = check(csr.get());
        REQUIRE(result.ok);
        CHECK(result.ignored_extensions == std::vector<std::string>{"subjectAltName"});
    }
    SECTION("RSA 1024: refused as too weak") {
        X509ReqPtr csr = parse_csr_der(openssl_req(dir, "-newkey rsa:1024"));
        CHECK(check(csr.get()).reason == "RSA key of 1024 bits is too weak: at least 2048 required");
    }
    SECTION("RSA-PSS signatures judged by their hash") {
        X509ReqPtr sha256 =
            parse_csr_der(openssl_req(dir, "-newkey rsa:2048 -sha256 -sigopt rsa_padding_mode:pss"));
        CsrCheck result = check(sha256.get());
        INFO(result.reason);
        CHECK(result.ok);
        X509ReqPtr sha1 =
            parse_csr_der(openssl_req(dir, "-newkey rsa:2048 -sha1 -sigopt rsa_padding_mode:pss"));
        CHECK(check(sha1.get()).reason ==
              "the CSR is signed with rsassaPss (SHA1), which is broken: sign it with SHA-256 or stronger");
    }
}
