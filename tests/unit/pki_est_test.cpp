#include "codec/random.hpp"
#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "pki/csr_policy.hpp"
#include "pki/device_profile.hpp"
#include "pki/est_messages.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"
#include "pki/random.hpp"
#include "pki_csr_test_support.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/pkcs7.h>

#include <fstream>
#include <map>
#include <sstream>

using namespace sekisho::pki;
using sekisho::pki::test::TempDir;

namespace {

const std::string kCrlUrl = "http://enroll.example:8443/crl/device-ca.crl";

struct Part {
    std::map<std::string, std::string> headers;
    std::string content;
};

// Splits a multipart body the way a MIME reader would (RFC 2046 §5.1.1).
std::vector<Part> split_multipart(const std::string& body, const std::string& boundary) {
    const std::string delimiter = "--" + boundary;
    REQUIRE(body.compare(0, delimiter.size() + 2, delimiter + "\r\n") == 0);
    const std::string close = "\r\n" + delimiter + "--\r\n";
    REQUIRE(body.size() > close.size());
    REQUIRE(body.compare(body.size() - close.size(), close.size(), close) == 0);
    std::vector<Part> parts;
    std::size_t at = delimiter.size() + 2;
    while (at < body.size()) {
        std::size_t end = body.find("\r\n" + delimiter, at);
        REQUIRE(end != std::string::npos);
        std::string raw = body.substr(at, end - at);
        const std::size_t blank = raw.find("\r\n\r\n");
        REQUIRE(blank != std::string::npos);
        Part part;
        std::istringstream header_lines(raw.substr(0, blank));
        for (std::string line; std::getline(header_lines, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            const std::size_t colon = line.find(": ");
            REQUIRE(colon != std::string::npos);
            part.headers[line.substr(0, colon)] = line.substr(colon + 2);
        }
        part.content = raw.substr(blank + 4);
        parts.push_back(std::move(part));
        at = end + 2 + delimiter.size();
        if (body.compare(at, 2, "--") == 0) break;
        REQUIRE(body.compare(at, 2, "\r\n") == 0);
        at += 2;
    }
    return parts;
}

} // namespace

TEST_CASE("base64 as EST writes and reads it", "[pki][est]") {
    SECTION("RFC 4648 test vectors") {
        const std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                                       {"f", "Zg=="},
                                                                       {"fo", "Zm8="},
                                                                       {"foo", "Zm9v"},
                                                                       {"foob", "Zm9vYg=="},
                                                                       {"fooba", "Zm9vYmE="},
                                                                       {"foobar", "Zm9vYmFy"}};
        for (const auto& [plain, encoded] : vectors) {
            CHECK(base64_encode(plain, false) == encoded);
            CHECK(base64_decode(encoded) == plain);
        }
        CHECK(base64_encode(std::string("\xfb\xff\x00", 3), false) == "+/8A");
    }
    SECTION("64-character lines, each ended by LF") {
        CHECK(base64_encode(std::string(48, 'a'), true) == base64_encode(std::string(48, 'a'), false) + "\n");
        const std::string encoded = base64_encode(std::string(100, 'x'), true);
        CHECK(encoded.size() == 136 + 3); // 136 characters in lines of 64, 64, 8
        CHECK(encoded[64] == '\n');
        CHECK(encoded[129] == '\n');
        CHECK(encoded.back() == '\n');
        CHECK(base64_encode("", true).empty());
    }
    SECTION("round trips with line breaks, CRLF and stray spaces") {
        for (std::size_t n : {1u, 2u, 3u, 47u, 48u, 49u, 1000u}) {
            const std::string bytes = sekisho::codec::random_bytes(n);
            std::string encoded = base64_encode(bytes, true);
            CHECK(base64_decode(encoded) == bytes);
            std::string crlf;
            for (char c : encoded)
                crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
            CHECK(base64_decode(crlf) == bytes);
            CHECK(base64_decode(" \t" + crlf + " ") == bytes);
        }
    }
    SECTION("invalid text is rejected") {
        for (const char* bad :
             {"Zm9v!", "Zm9", "Z===", "=Zg=", "Zm=v", "Zg==Zg==", "Zg===", "Zm9v\x80", "Zm-9"}) {
            INFO(bad);
            CHECK_FALSE(base64_decode(bad).has_value());
        }
    }
    SECTION("GNU base64 and openssl base64 decode what we write") {
        TempDir dir;
        const std::string bytes = sekisho::codec::random_bytes(500);
        write_file(dir.file("b64.txt"), base64_encode(bytes, true));
        for (const std::string tool : {"base64 -d < ", "openssl base64 -d -in "}) {
            INFO(tool);
            auto result = test::run_command(tool + dir.file("b64.txt"));
            CHECK(result.status == 0);
            CHECK(result.output == bytes);
        }
    }
}

TEST_CASE("certs-only PKCS#7 as /cacerts and /simpleenroll return it", "[pki][est]") {
    test::TestCa ca;
    X509Ptr leaf = issue_certificate(
        generate_key().get(), device_certificate_profile("clinic-1", "t01", "Reception 1", 365, kCrlUrl),
        ca.device_issuer());
    const std::string der = certs_only_pkcs7_der({leaf.get(), ca.issuing.get(), ca.root.get()});

    SECTION("a degenerate SignedData: no signers, no content, certificates in order") {
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        std::unique_ptr<PKCS7, OsslDeleter<PKCS7_free>> p7(
            d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
        REQUIRE(p7);
        REQUIRE(PKCS7_type_is_signed(p7.get()));
        CHECK(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info) == 0);
        CHECK(OBJ_obj2nid(p7->d.sign->contents->type) == NID_pkcs7_data);
        CHECK(p7->d.sign->contents->d.ptr == nullptr);
        CHECK(ASN1_INTEGER_get(p7->d.sign->version) == 1);

        std::vector<X509Ptr> certs = certificates_from_pkcs7_der(der);
        REQUIRE(certs.size() == 3);
        CHECK(X509_cmp(certs[0].get(), leaf.get()) == 0);
        CHECK(X509_cmp(certs[1].get(), ca.issuing.get()) == 0);
        CHECK(X509_cmp(certs[2].get(), ca.root.get()) == 0);
    }
    SECTION("openssl pkcs7 -print_certs lists the certificates, also from the base64 body") {
        TempDir dir;
        write_file(dir.file("certs.p7"), der);
        auto result = test::run_command("openssl pkcs7 -inform DER -in " + dir.file("certs.p7") +
                                        " -print_certs -noout");
        REQUIRE(result.status == 0);
        CHECK_THAT(result.output, Catch::Contains("subject=O = clinic-1, CN = Reception 1"));
        CHECK_THAT(result.output, Catch::Contains("subject=O = Test Org, CN = Test Device CA"));
        CHECK_THAT(result.output, Catch::Contains("subject=O = Test Org, CN = Test Root CA"));

        // What an EST client does with the HTTP body.
        write_file(dir.file("body.b64"), base64_encode(der, true));
        result = test::run_command("openssl base64 -d -in " + dir.file("body.b64") +
                                   " | openssl pkcs7 -inform DER -print_certs -noout");
        REQUIRE(result.status == 0);
        CHECK_THAT(result.output, Catch::Contains("CN = Reception 1"));
    }
    SECTION("bad input") {
        CHECK_THROWS_AS(certs_only_pkcs7_der({}), std::invalid_argument);
        CHECK_THROWS_AS(certs_only_pkcs7_der({leaf.get(), nullptr}), std::invalid_argument);
        CHECK_THROWS_WITH(certificates_from_pkcs7_der("junk"),
                          Catch::StartsWith("the data is not a DER-encoded PKCS#7 message"));
    }
}

TEST_CASE("EST request bodies", "[pki][est]") {
    EvpPkeyPtr key = generate_key();
    const std::string der = test::csr_der(test::make_csr(key.get()).get());

    SECTION("base64 DER with line breaks") {
        X509ReqPtr csr = parse_est_csr(base64_encode(der, true));
        CHECK(check_csr(csr.get(), {}).ok);
    }
    SECTION("PEM, as curl --data-binary @csr.pem sends it") {
        const std::string pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + base64_encode(der, true) +
                                "-----END CERTIFICATE REQUEST-----\n";
        CHECK(check_csr(parse_est_csr(pem).get(), {}).ok);
    }
    SECTION("garbage says what EST expects") {
        CHECK_THROWS_WITH(parse_est_csr("hello, world"),
                          "the request body is not base64: EST expects a base64-encoded DER "
                          "PKCS#10 CSR (Content-Type: application/pkcs10)");
        CHECK_THROWS_WITH(parse_est_csr("\r\n"), Catch::StartsWith("the request body is empty"));
        CHECK_THROWS_WITH(parse_est_csr(base64_encode("not DER at all", false)),
                          Catch::StartsWith("the request body is base64 but not a CSR (the data is "
                                            "not a DER-encoded PKCS#10"));
        CHECK_THROWS_WITH(parse_est_csr(base64_encode(der + "xx", false)),
                          Catch::StartsWith("the request body is base64 but not a CSR (the CSR is "
                                            "followed by 2 unexpected bytes)"));
    }
}

TEST_CASE("enrolling a CSR made by openssl req, end to end", "[pki][est][interop]") {
    TempDir dir;
    test::TestCa ca;
    const std::string command =
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=t "
        "-keyout " +
        dir.file("key.pem") + " -outform DER -out " + dir.file("csr.der") +
        " 2>/dev/null && openssl base64 -in " + dir.file("csr.der") + " -out " + dir.file("body");
    REQUIRE(std::system(command.c_str()) == 0);

    // /simpleenroll: the body as `curl --data-binary @body` sends it.
    X509ReqPtr csr = parse_est_csr(read_file(dir.file("body")));
    CsrCheck check = check_csr(csr.get(), {});
    REQUIRE(check.ok);
    X509Ptr cert = issue_certificate(check.public_key.get(),
                                     device_certificate_profile("clinic-1", "t01", "t", 365, kCrlUrl),
                                     ca.device_issuer());
    write_file(dir.file("response.b64"), base64_encode(certs_only_pkcs7_der({cert.get()}), true));

    // The terminal turns the response into a PEM certificate and checks it against its key.
    const std::string to_pem = "openssl base64 -d -in " + dir.file("response.b64") +
                               " | openssl pkcs7 -inform DER -print_certs -out " + dir.file("cert.pem");
    REQUIRE(std::system(to_pem.c_str()) == 0);
    auto modulus_match =
        test::run_command("openssl x509 -in " + dir.file("cert.pem") +
                          " -noout -pubkey && openssl pkey -in " + dir.file("key.pem") + " -pubout");
    REQUIRE(modulus_match.status == 0);
    const std::string out = modulus_match.output;
    const std::size_t half = out.find("-----BEGIN PUBLIC KEY-----", 1);
    REQUIRE(half != std::string::npos);
    CHECK(out.substr(0, half) == out.substr(half));
    auto text = test::run_command("openssl x509 -in " + dir.file("cert.pem") +
                                  " -noout -ext extendedKeyUsage,subjectAltName");
    CHECK_THAT(text.output, Catch::Contains("TLS Web Client Authentication"));
    CHECK_THAT(text.output, Catch::Contains("URI:urn:sekisho:device:clinic-1:t01"));
}

TEST_CASE("serverkeygen: a multipart body with the key and the certificate", "[pki][est]") {
    test::TestCa ca;
    EvpPkeyPtr key = generate_key();
    X509Ptr cert =
        issue_certificate(key.get(), device_certificate_profile("clinic-1", "t02", "Ward PC", 365, kCrlUrl),
                          ca.device_issuer());
    MultipartBody response = serverkeygen_multipart(key.get(), cert.get());

    CHECK(response.content_type == "multipart/mixed; boundary=" + response.boundary);
    CHECK(response.boundary.size() > 20);
    std::vector<Part> parts = split_multipart(response.body, response.boundary);
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].headers["Content-Type"] == "application/pkcs8");
    CHECK(parts[0].headers["Content-Transfer-Encoding"] == "base64");
    CHECK(parts[1].headers["Content-Type"] == "application/pkcs7-mime; smime-type=certs-only");
    CHECK(parts[1].headers["Content-Transfer-Encoding"] == "base64");

    std::optional<std::string> key_der = base64_decode(parts[0].content);
    REQUIRE(key_der);
    const auto* p = reinterpret_cast<const unsigned char*>(key_der->data());
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslDeleter<PKCS8_PRIV_KEY_INFO_free>> info(
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(key_der->size())));
    REQUIRE(info); // an unencrypted PrivateKeyInfo, not an EncryptedPrivateKeyInfo
    EvpPkeyPtr returned_key(EVP_PKCS82PKEY(info.get()));
    REQUIRE(returned_key);

    std::optional<std::string> p7_der = base64_decode(parts[1].content);
    REQUIRE(p7_der);
    std::vector<X509Ptr> certs = certificates_from_pkcs7_der(*p7_der);
    REQUIRE(certs.size() == 1);
    CHECK(X509_cmp(certs[0].get(), cert.get()) == 0);
    CHECK(X509_check_private_key(certs[0].get(), returned_key.get()) == 1);

    SECTION("openssl reads the key part as DER PKCS#8") {
        TempDir dir;
        write_file(dir.file("key.der"), *key_der, 0600);
        auto result = test::run_command("openssl pkey -inform DER -in " + dir.file("key.der") +
                                        " -noout 2>&1 && echo ok");
        CHECK(result.output == "ok\n");
    }
    SECTION("a key that does not belong to the certificate is refused") {
        CHECK_THROWS_WITH(serverkeygen_multipart(generate_key().get(), cert.get()),
                          Catch::StartsWith("serverkeygen: the private key does not belong to certificate"));
    }
    SECTION("two responses never share a boundary") {
        CHECK(serverkeygen_multipart(key.get(), cert.get()).boundary != response.boundary);
    }
}

TEST_CASE("device certificate profile", "[pki][est][profile]") {
    CertificateProfile profile =
        device_certificate_profile("tokyo-central.1", "T_0042", "受付端末 1", 365, kCrlUrl);
    CHECK(profile.common_name == "受付端末 1");
    CHECK(profile.organization == "tokyo-central.1");
    CHECK(profile.uris == std::vector<std::string>{"urn:sekisho:device:tokyo-central.1:T_0042"});
    CHECK(profile.dns_names.empty());
    CHECK(profile.ip_addresses.empty());
    CHECK(profile.client_auth);
    CHECK_FALSE(profile.server_auth);
    CHECK(profile.crl_distribution_point == kCrlUrl);
    const auto days = std::chrono::duration_cast<std::chrono::hours>(profile.validity.not_after -
                                                                     profile.validity.not_before)
                          .count() /
                      24;
    CHECK(days == 365);

    test::TestCa ca;
    X509Ptr cert = issue_certificate(generate_key().get(), profile, ca.device_issuer());
    CHECK(facility_of(cert.get()) == "tokyo-central.1");
    CHECK(has_client_auth_eku(cert.get()));
    CHECK(common_name_of(cert.get()) == "受付端末 1");

    SECTION("invalid fields are named") {
        CHECK_THROWS_WITH(device_certificate_profile("clinic 1", "t", "n", 365, kCrlUrl),
                          "device certificate: facility 'clinic 1' may contain only letters "
                          "A-Z a-z, digits and . _ -");
        CHECK_THROWS_WITH(device_certificate_profile("c", "t:1", "n", 365, kCrlUrl),
                          Catch::StartsWith("device certificate: device id 't:1' may contain only"));
        CHECK_THROWS_WITH(device_certificate_profile("", "t", "n", 365, kCrlUrl),
                          "device certificate: facility is empty");
        CHECK_THROWS_WITH(device_certificate_profile("c", "t", "", 365, kCrlUrl),
                          "device certificate: device name is empty");
        CHECK_THROWS_WITH(device_certificate_profile("c", "t", std::string(65, 'n'), 365, kCrlUrl),
                          Catch::Contains("is longer than 64 characters"));
        std::string japanese_64; // 64 characters, 192 bytes: the limit counts characters
        for (int i = 0; i < 32; ++i)
            japanese_64 += "端末";
        CHECK_NOTHROW(issue_certificate(generate_key().get(),
                                        device_certificate_profile("c", "t", japanese_64, 365, kCrlUrl),
                                        ca.device_issuer()));
        CHECK_THROWS_WITH(device_certificate_profile("c", "t", japanese_64 + "1", 365, kCrlUrl),
                          Catch::Contains("is longer than 64 characters"));
        CHECK_THROWS_WITH(device_certificate_profile("c", "t", "n", 0, kCrlUrl),
                          Catch::Contains("validity of 0 days is out of range"));
        CHECK_THROWS_WITH(device_certificate_profile("c", "t", "n", 365, "file:///tmp/x.crl"),
                          Catch::Contains("must start with http:// or https://"));
        CHECK_THROWS_AS(device_certificate_profile("c", "ü", "n", 365, kCrlUrl), std::invalid_argument);
    }
}
