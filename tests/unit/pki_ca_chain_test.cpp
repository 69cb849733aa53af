#include "pki/ca_chain.hpp"
#include "pki/crl.hpp"
#include "pki/csr_build.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::pki;
using sekisho::pki::test::TestCa;

TEST_CASE("create_csr: a CA request passes the CSR policy and names its subject", "[pki][csr_build]") {
    EvpPkeyPtr key = generate_key();
    X509ReqPtr csr = create_csr(key.get(), "Clinic Device CA", "Clinic");
    CsrCheck check = check_csr(csr.get(), CsrPolicy{});
    REQUIRE(check.ok);
    CHECK(check.subject_cn == "Clinic Device CA");
    CHECK(check.ignored_extensions.empty());
    CHECK(name_entry(X509_REQ_get_subject_name(csr.get()), NID_organizationName) == "Clinic");
    CHECK(EVP_PKEY_eq(check.public_key.get(), key.get()) == 1);

    // The PEM round-trips through the parser the signing side uses.
    X509ReqPtr again = parse_csr_pem(csr_to_pem(csr.get()));
    CHECK(check_csr(again.get(), CsrPolicy{}).ok);
}

TEST_CASE("create_csr: refuses an empty CN", "[pki][csr_build]") {
    EvpPkeyPtr key = generate_key();
    CHECK_THROWS_WITH(create_csr(key.get(), "", "Clinic"), Catch::Contains("common name"));
}

TEST_CASE("ca_chain: CA flags, key match and chain to the root", "[pki][ca_chain]") {
    TestCa ca;
    TestCa other;
    CHECK(is_ca_certificate(ca.root.get()));
    CHECK(is_ca_certificate(ca.issuing.get()));
    CHECK(is_self_signed(ca.root.get()));
    CHECK_FALSE(is_self_signed(ca.issuing.get()));

    CHECK(certificate_matches_key(ca.issuing.get(), ca.issuing_key.get()));
    CHECK_FALSE(certificate_matches_key(ca.issuing.get(), other.issuing_key.get()));

    CHECK(chain_error(ca.issuing.get(), ca.root.get()).empty());
    CHECK_FALSE(chain_error(ca.issuing.get(), other.root.get()).empty());
    CHECK(chain_error(ca.root.get(), ca.root.get()).empty());

    const auto now = std::chrono::system_clock::now();
    X509CrlPtr crl = build_crl({now, now + std::chrono::hours(24), 1, {}}, ca.root_issuer());
    CHECK(crl_signature_error(crl.get(), ca.root.get()).empty());
    CHECK_FALSE(crl_signature_error(crl.get(), other.root.get()).empty());

    const auto not_after = not_after_of(ca.issuing.get());
    CHECK(not_after > now + std::chrono::days(364));
    CHECK(not_after < now + std::chrono::days(366));
    CHECK(name_entry(X509_get_subject_name(ca.root.get()), NID_commonName) == "Test Root CA");
    CHECK(name_entry(X509_get_subject_name(ca.root.get()), NID_serialNumber).empty());
}
