#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/pem_io.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

using namespace sekisho::pki;
using sekisho::pki::test::TempDir;
using sekisho::pki::test::TestCa;

TEST_CASE("sha256_fingerprint_hex matches openssl x509 -fingerprint -sha256", "[pki][certificate]") {
    TestCa ca;
    X509Ptr cert = issue_certificate(generate_key().get(),
                                     test::device_profile("clinic-a", "t1"), ca.device_issuer());
    TempDir dir;
    write_certificates_pem(dir.file("leaf.crt"), {cert.get()});

    auto result = test::run_command("openssl x509 -noout -fingerprint -sha256 -in " + dir.file("leaf.crt"));
    REQUIRE(result.status == 0);
    // "sha256 Fingerprint=AB:CD:..." → "abcd..."
    std::string expected = result.output.substr(result.output.find('=') + 1);
    std::erase_if(expected, [](char c) { return c == ':' || c == '\n'; });
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

    const std::string fingerprint = sha256_fingerprint_hex(cert.get());
    CHECK(fingerprint.size() == 64);
    CHECK(fingerprint == expected);
}

TEST_CASE("facility_of prefers the device URN and falls back to subject O", "[pki][certificate]") {
    TestCa ca;
    SECTION("SAN URI urn:sekisho:device:<facility>:<device>") {
        auto profile = test::device_profile("clinic-b", "t2");
        profile.organization = "Some Other Org";
        X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
        CHECK(facility_of(cert.get()) == "clinic-b");
    }
    SECTION("no device URN: subject O") {
        auto profile = test::device_profile("clinic-c", "t3");
        profile.uris = {"https://example.jp/not-a-device"};
        X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
        CHECK(facility_of(cert.get()) == "clinic-c");
    }
    SECTION("neither: empty") {
        auto profile = test::device_profile("x", "t4");
        profile.organization.clear();
        profile.uris.clear();
        X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
        CHECK(facility_of(cert.get()).empty());
    }
}

TEST_CASE("facility_of and subject_of escape what a refused certificate may carry", "[pki][certificate]") {
    TestCa ca;
    auto profile = test::device_profile("x", "t5");
    profile.organization = "\x1b[31mclinic\x07\xc2\x9b";
    profile.uris.clear();
    X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
    CHECK(facility_of(cert.get()) == "\\x1b[31mclinic\\x07\\u009b");
    CHECK(subject_of(cert.get()).find('\x1b') == std::string::npos);
    CHECK(subject_of(cert.get()).find("\xc2\x9b") == std::string::npos);
    profile.uris = {"urn:sekisho:device:\x1b]0;owned\x07:t5"};
    cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
    CHECK(facility_of(cert.get()) == "\\x1b]0;owned\\x07");
}

TEST_CASE("has_client_auth_eku", "[pki][certificate]") {
    TestCa ca;
    auto profile = test::device_profile("clinic", "t");
    SECTION("clientAuth listed") {
        X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
        CHECK(has_client_auth_eku(cert.get()));
    }
    SECTION("serverAuth only") {
        profile.client_auth = false;
        profile.server_auth = true;
        X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
        CHECK_FALSE(has_client_auth_eku(cert.get()));
    }
    SECTION("no EKU extension at all (a CA certificate)") {
        CHECK_FALSE(has_client_auth_eku(ca.issuing.get()));
    }
}

TEST_CASE("subject_of and to_pem", "[pki][certificate]") {
    TestCa ca;
    CHECK(subject_of(ca.issuing.get()) == "CN=Test Device CA,O=Test Org");
    CHECK(to_pem(ca.root.get()).starts_with("-----BEGIN CERTIFICATE-----\n"));
}

TEST_CASE("load_certificates and load_crls read what pem_io wrote", "[pki][certificate]") {
    TestCa ca;
    TempDir dir;
    write_certificates_pem(dir.file("bundle.pem"), {ca.issuing.get(), ca.root.get()});
    auto certs = load_certificates(dir.file("bundle.pem"));
    REQUIRE(certs.size() == 2);
    CHECK(X509_cmp(certs[0].get(), ca.issuing.get()) == 0);
    CHECK(X509_cmp(certs[1].get(), ca.root.get()) == 0);

    const auto now = std::chrono::system_clock::now();
    X509CrlPtr crl = build_crl({now, now + std::chrono::hours(24), 7, {}}, ca.device_issuer());
    write_crl_pem(dir.file("ca.crl"), crl.get());
    CHECK(load_crls(dir.file("ca.crl")).size() == 1);

    // DER CRL too.
    unsigned char* der = nullptr;
    int len = i2d_X509_CRL(crl.get(), &der);
    REQUIRE(len > 0);
    write_file(dir.file("ca.der"), std::string_view(reinterpret_cast<char*>(der), len));
    OPENSSL_free(der);
    CHECK(load_crls(dir.file("ca.der")).size() == 1);
}

TEST_CASE("loading errors name the file", "[pki][certificate]") {
    TempDir dir;
    write_file(dir.file("empty.pem"), "not a certificate\n");
    CHECK_THROWS_WITH(load_certificates(dir.file("missing.pem")),
                      Catch::Contains(dir.file("missing.pem")));
    CHECK_THROWS_WITH(load_certificates(dir.file("empty.pem")),
                      Catch::Contains(dir.file("empty.pem")) && Catch::Contains("no PEM certificate"));
    CHECK_THROWS_WITH(load_crls(dir.file("empty.pem")), Catch::Contains(dir.file("empty.pem")));
}
