#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/bn.h>
#include <openssl/err.h>

using namespace sekisho::pki;
using sekisho::pki::test::TestCa;

namespace {

// X509_verify_cert result for leaf against root (trusted) + issuing CA (untrusted), with
// CRL checking for the whole chain when crls are given.
int verify(X509* leaf, const TestCa& ca, const std::vector<X509_CRL*>& crls) {
    X509StorePtr store(X509_STORE_new());
    REQUIRE(X509_STORE_add_cert(store.get(), ca.root.get()) == 1);
    for (X509_CRL* crl : crls) REQUIRE(X509_STORE_add_crl(store.get(), crl) == 1);
    if (!crls.empty()) {
        X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    }
    auto free_stack = [](STACK_OF(X509)* s) { sk_X509_free(s); };
    std::unique_ptr<STACK_OF(X509), decltype(free_stack)> untrusted(sk_X509_new_null(), free_stack);
    sk_X509_push(untrusted.get(), ca.issuing.get());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) == 1);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_CLIENT);
    int ok = X509_verify_cert(ctx.get());
    int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return ok == 1 ? X509_V_OK : error;
}

X509CrlPtr crl_of(const Issuer& issuer, std::vector<RevokedCertificate> revoked = {}) {
    const auto now = std::chrono::system_clock::now();
    return build_crl({now - std::chrono::minutes(1), now + std::chrono::days(30), 1, std::move(revoked)},
                     issuer);
}

} // namespace

TEST_CASE("issued device certificate chains to the root with CRLs", "[pki][ca]") {
    TestCa ca;
    X509Ptr leaf = issue_certificate(generate_key().get(), test::device_profile("clinic", "t1"),
                                     ca.device_issuer());
    X509CrlPtr root_crl = crl_of(ca.root_issuer());

    SECTION("valid without CRLs and with empty CRLs") {
        CHECK(verify(leaf.get(), ca, {}) == X509_V_OK);
        X509CrlPtr device_crl = crl_of(ca.device_issuer());
        CHECK(verify(leaf.get(), ca, {device_crl.get(), root_crl.get()}) == X509_V_OK);
    }
    SECTION("revoked: X509_V_ERR_CERT_REVOKED, reason code kept") {
        X509Ptr other = issue_certificate(generate_key().get(), test::device_profile("clinic", "t2"),
                                          ca.device_issuer());
        const auto now = std::chrono::system_clock::now();
        X509CrlPtr device_crl = crl_of(ca.device_issuer(),
                                       {{serial_hex_of(other.get()), now, RevocationReason::superseded},
                                        {serial_hex_of(leaf.get()), now, RevocationReason::key_compromise}});
        CHECK(verify(leaf.get(), ca, {device_crl.get(), root_crl.get()}) == X509_V_ERR_CERT_REVOKED);

        X509_REVOKED* entry = nullptr;
        REQUIRE(X509_CRL_get0_by_cert(device_crl.get(), &entry, leaf.get()) == 1);
        std::unique_ptr<ASN1_ENUMERATED, OsslDeleter<ASN1_ENUMERATED_free>> reason(
            static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
        REQUIRE(reason);
        CHECK(ASN1_ENUMERATED_get(reason.get()) == 1);
        CHECK(X509_CRL_get_version(device_crl.get()) == X509_CRL_VERSION_2);
        CHECK(X509_CRL_verify(device_crl.get(), X509_get0_pubkey(ca.issuing.get())) == 1);
    }
    SECTION("the issuing CA itself revoked in the root CRL") {
        X509CrlPtr device_crl = crl_of(ca.device_issuer());
        X509CrlPtr revoking_root_crl = crl_of(
            ca.root_issuer(), {{serial_hex_of(ca.issuing.get()), std::chrono::system_clock::now(),
                                RevocationReason::ca_compromise}});
        CHECK(verify(leaf.get(), ca, {device_crl.get(), revoking_root_crl.get()}) ==
              X509_V_ERR_CERT_REVOKED);
    }
}

TEST_CASE("validity is configurable: an expired certificate fails verification", "[pki][ca]") {
    TestCa ca;
    auto profile = test::device_profile("clinic", "old");
    const auto now = std::chrono::system_clock::now();
    profile.validity = {now - std::chrono::days(60), now - std::chrono::days(1)};
    X509Ptr leaf = issue_certificate(generate_key().get(), profile, ca.device_issuer());
    CHECK(verify(leaf.get(), ca, {}) == X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_CASE("CA and end-entity extensions", "[pki][ca]") {
    TestCa ca;
    CHECK((X509_get_extension_flags(ca.root.get()) & EXFLAG_CA) != 0);
    CHECK((X509_get_key_usage(ca.root.get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) ==
          (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    CHECK(X509_get_pathlen(ca.root.get()) == -1);
    CHECK(X509_get_pathlen(ca.issuing.get()) == 0);
    CHECK(X509_get0_subject_key_id(ca.issuing.get()) != nullptr);
    CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(ca.issuing.get()),
                                X509_get0_subject_key_id(ca.root.get())) == 0);

    auto profile = test::device_profile("clinic", "t1");
    profile.server_auth = true;
    profile.dns_names = {"terminal.example.jp"};
    profile.ip_addresses = {"192.0.2.1", "2001:db8::1"};
    profile.crl_distribution_point = "http://pki.example.jp/device-ca.crl";
    X509Ptr leaf = issue_certificate(generate_key().get(), profile, ca.device_issuer());
    CHECK((X509_get_extension_flags(leaf.get()) & EXFLAG_CA) == 0);
    CHECK(X509_get_key_usage(leaf.get()) == KU_DIGITAL_SIGNATURE);
    CHECK(X509_get_extended_key_usage(leaf.get()) == (XKU_SSL_CLIENT | XKU_SSL_SERVER));
    CHECK(X509_check_host(leaf.get(), "terminal.example.jp", 0, 0, nullptr) == 1);
    CHECK(X509_check_ip_asc(leaf.get(), "2001:db8::1", 0) == 1);
    CHECK(X509_check_ip_asc(leaf.get(), "192.0.2.1", 0) == 1);
    CHECK(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf.get()),
                                X509_get0_subject_key_id(ca.issuing.get())) == 0);
    CHECK(X509_get_ext_by_NID(leaf.get(), NID_crl_distribution_points, -1) >= 0);
    CHECK(X509_get_version(leaf.get()) == X509_VERSION_3);
}

TEST_CASE("serials are positive, random and at least 64 bits", "[pki][ca]") {
    TestCa ca;
    X509Ptr a = issue_certificate(generate_key().get(), test::device_profile("c", "a"), ca.device_issuer());
    X509Ptr b = issue_certificate(generate_key().get(), test::device_profile("c", "b"), ca.device_issuer());
    CHECK(serial_hex_of(a.get()) != serial_hex_of(b.get()));
    std::unique_ptr<BIGNUM, OsslDeleter<BN_free>> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(a.get()), nullptr));
    CHECK_FALSE(BN_is_negative(bn.get()));
    CHECK(BN_num_bits(bn.get()) >= 64);
    CHECK(BN_num_bytes(bn.get()) <= 20);
}

TEST_CASE("RSA keys work; weak keys and bad profiles are refused", "[pki][ca]") {
    TestCa ca;
    EvpPkeyPtr rsa = generate_key(KeyAlgorithm::rsa_2048);
    X509Ptr rsa_root = create_root_ca(rsa.get(), {"RSA Root", "", Validity::days_from_now(10), std::nullopt, ""});
    CHECK(X509_verify(rsa_root.get(), rsa.get()) == 1);

    EvpPkeyPtr weak(EVP_RSA_gen(1024));
    CHECK_THROWS_WITH(create_root_ca(weak.get(), {"Weak", "", Validity::days_from_now(10), std::nullopt, ""}),
                      Catch::Contains("RSA >= 2048"));

    auto profile = test::device_profile("c", "t");
    profile.client_auth = false;
    CHECK_THROWS_WITH(issue_certificate(generate_key().get(), profile, ca.device_issuer()),
                      Catch::Contains("clientAuth and/or serverAuth"));

    // The wrong key for the issuer certificate.
    Issuer mismatched{ca.issuing.get(), ca.root_key.get()};
    CHECK_THROWS_WITH(issue_certificate(generate_key().get(), test::device_profile("c", "t"), mismatched),
                      Catch::Contains("does not belong"));

    profile = test::device_profile("c", "t");
    profile.ip_addresses = {"not-an-ip"};
    CHECK_THROWS_WITH(issue_certificate(generate_key().get(), profile, ca.device_issuer()),
                      Catch::Contains("not-an-ip"));
}

TEST_CASE("revocation reasons round-trip by name", "[pki][crl]") {
    CHECK(parse_revocation_reason("keyCompromise") == RevocationReason::key_compromise);
    CHECK(to_string(RevocationReason::cessation_of_operation) == "cessationOfOperation");
    CHECK_THROWS_WITH(parse_revocation_reason("lost"), Catch::Contains("keyCompromise"));
    TestCa ca;
    const auto now = std::chrono::system_clock::now();
    CHECK_THROWS_WITH(build_crl({now, now + std::chrono::days(1), 1, {{"XYZ", now, RevocationReason::superseded}}},
                                ca.device_issuer()),
                      Catch::Contains("XYZ"));
}
