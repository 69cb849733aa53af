#include "pki/pem_io.hpp"
#include "pki/pkcs12.hpp"
#include "pki/random.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

using namespace sekisho::pki;
using sekisho::pki::test::TestCa;

TEST_CASE("PKCS#12 round-trips with its password and refuses a wrong one", "[pki][pkcs12]") {
    TestCa ca;
    EvpPkeyPtr key = generate_key();
    X509Ptr cert = issue_certificate(key.get(), test::device_profile("clinic", "t1"), ca.device_issuer());
    const std::string password = random_password();
    const std::string der = export_pkcs12(key.get(), cert.get(), {ca.issuing.get(), ca.root.get()},
                                          password, "t1");

    Pkcs12Contents contents = import_pkcs12(der, password);
    REQUIRE(contents.key);
    REQUIRE(contents.certificate);
    CHECK(EVP_PKEY_eq(contents.key.get(), key.get()) == 1);
    CHECK(X509_cmp(contents.certificate.get(), cert.get()) == 0);
    REQUIRE(contents.chain.size() == 2);
    CHECK(X509_cmp(contents.chain[0].get(), ca.issuing.get()) == 0);
    CHECK(X509_cmp(contents.chain[1].get(), ca.root.get()) == 0);

    CHECK_THROWS_WITH(import_pkcs12(der, password + "x"), Catch::Contains("wrong password"));
    CHECK_THROWS_WITH(export_pkcs12(key.get(), cert.get(), {}, "", "t1"), Catch::Contains("empty password"));
}

TEST_CASE("PKCS#12 uses AES-256-CBC/PBKDF2 and a SHA-256 MAC", "[pki][pkcs12]") {
    TestCa ca;
    EvpPkeyPtr key = generate_key();
    X509Ptr cert = issue_certificate(key.get(), test::device_profile("clinic", "t1"), ca.device_issuer());
    const std::string der = export_pkcs12(key.get(), cert.get(), {ca.issuing.get()}, "secret-pw", "t1");

    test::TempDir dir;
    write_file(dir.file("t.p12"), der, 0600);
    auto info = test::run_command("openssl pkcs12 -info -noout -passin pass:secret-pw -in " +
                                  dir.file("t.p12") + " 2>&1");
    REQUIRE(info.status == 0);
    CHECK_THAT(info.output, Catch::Contains("MAC: sha256"));
    CHECK_THAT(info.output, Catch::Contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"));
    CHECK_THAT(info.output, Catch::Contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"));
    CHECK_THAT(info.output, !Catch::Contains("RC2") && !Catch::Contains("3DES"));
}

TEST_CASE("random_password is printable and the requested length", "[pki][random]") {
    const std::string a = random_password(20);
    CHECK(a.size() == 20);
    CHECK(std::all_of(a.begin(), a.end(), [](unsigned char c) { return std::isalnum(c); }));
    CHECK(random_password(20) != a);
}
