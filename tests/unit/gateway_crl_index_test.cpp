// The pre-verified CRLs (issue 18): the same verdicts as OpenSSL's own CRL check — revoked,
// no CRL, a CRL another key signed, expired, not yet valid — at the cost of a lookup, a CRL
// of 50,000 entries included.
#include "gateway/tls/crl_index.hpp"
#include "pki/crl.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>
#include <openssl/x509v3.h>

#include <chrono>

using namespace sekisho;
using namespace sekisho::pki;
using sekisho::gateway::CrlIndex;
using sekisho::pki::test::TestCa;

namespace {

using Clock = std::chrono::system_clock;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

X509CrlPtr crl_of(const Issuer& issuer, std::vector<RevokedCertificate> revoked = {},
                  Clock::duration from = -std::chrono::minutes(1), Clock::duration to = std::chrono::hours(24 * 30)) {
    const auto now = Clock::now();
    return build_crl({now + from, now + to, 1, std::move(revoked)}, issuer);
}

X509Ptr leaf_of(const TestCa& ca, const std::string& name) {
    return issue_certificate(generate_key().get(), test::device_profile("clinic", name), ca.device_issuer());
}

std::vector<X509Ptr> trusted(const TestCa& ca) {
    std::vector<X509Ptr> out;
    X509_up_ref(ca.root.get());
    out.emplace_back(ca.root.get());
    X509_up_ref(ca.issuing.get());
    out.emplace_back(ca.issuing.get());
    return out;
}

} // namespace

TEST_CASE("crl index: every certificate of the chain is checked against its issuer's CRL", "[gateway][crl]") {
    TestCa ca;
    const auto good = leaf_of(ca, "good");
    const auto lost = leaf_of(ca, "lost");
    CrlIndex index;
    index.add(crl_of(ca.root_issuer()), trusted(ca));
    index.add(crl_of(ca.device_issuer(), {{serial_hex_of(lost.get()), Clock::now(), RevocationReason::key_compromise}}),
              trusted(ca));
    const auto now = unix_now();
    CHECK(index.size() == 2);
    CHECK(index.check(good.get(), ca.issuing.get(), now) == X509_V_OK);
    CHECK(index.check(lost.get(), ca.issuing.get(), now) == X509_V_ERR_CERT_REVOKED);
    CHECK(index.check(ca.issuing.get(), ca.root.get(), now) == X509_V_OK);
    CHECK(index.check(ca.root.get(), ca.root.get(), now) == X509_V_OK);
}

TEST_CASE("crl index: no CRL, another key's CRL, an expired or a future CRL fail as OpenSSL says", "[gateway][crl]") {
    TestCa ca;
    TestCa impostor; // the same names, other keys
    const auto leaf = leaf_of(ca, "t1");
    const auto now = unix_now();
    {
        CrlIndex index;
        index.add(crl_of(ca.root_issuer()), trusted(ca));
        CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_ERR_UNABLE_TO_GET_CRL);
    }
    {
        CrlIndex index;
        index.add(crl_of(impostor.device_issuer()), trusted(ca));
        CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_ERR_CRL_SIGNATURE_FAILURE);
    }
    {
        CrlIndex index;
        index.add(crl_of(ca.device_issuer(), {}, -std::chrono::hours(48), -std::chrono::hours(24)), trusted(ca));
        CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_ERR_CRL_HAS_EXPIRED);
        CHECK(index.valid_until() < now);
        // A current one beside it is preferred.
        index.add(crl_of(ca.device_issuer()), trusted(ca));
        CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_OK);
    }
    {
        CrlIndex index;
        index.add(crl_of(ca.device_issuer(), {}, std::chrono::hours(1), std::chrono::hours(48)), trusted(ca));
        CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_ERR_CRL_NOT_YET_VALID);
    }
}

TEST_CASE("crl index: a CRL whose issuer is not trusted is verified against the chain's issuer when needed", "[gateway][crl]") {
    TestCa ca;
    TestCa impostor;
    const auto leaf = leaf_of(ca, "t1");
    CrlIndex index;
    std::vector<X509Ptr> root_only;
    X509_up_ref(ca.root.get());
    root_only.emplace_back(ca.root.get());
    index.add(crl_of(ca.device_issuer()), root_only); // the issuing CA comes in the client's chain
    const auto now = unix_now();
    CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_OK);
    CHECK(index.check(leaf.get(), impostor.issuing.get(), now) == X509_V_ERR_CRL_SIGNATURE_FAILURE);
    CHECK(index.check(leaf.get(), ca.issuing.get(), now) == X509_V_OK); // remembered both ways
}

TEST_CASE("crl index: 50,000 revoked serials, each found, the others admitted", "[gateway][crl]") {
    TestCa ca;
    const auto kept = leaf_of(ca, "kept");
    const auto lost = leaf_of(ca, "lost");
    std::vector<RevokedCertificate> revoked;
    const auto now_tp = Clock::now();
    char serial[32];
    for (int i = 1; i <= 50000; ++i) {
        std::snprintf(serial, sizeof serial, "%08X%08X", 0x7A000000 + i, i * 7919);
        revoked.push_back({serial, now_tp, RevocationReason::superseded});
    }
    revoked.push_back({serial_hex_of(lost.get()), now_tp, RevocationReason::key_compromise});
    CrlIndex index;
    index.add(crl_of(ca.device_issuer(), std::move(revoked)), trusted(ca));
    const auto now = unix_now();
    CHECK(index.check(kept.get(), ca.issuing.get(), now) == X509_V_OK);
    CHECK(index.check(lost.get(), ca.issuing.get(), now) == X509_V_ERR_CERT_REVOKED);
}

TEST_CASE("crl index: a delta or partitioned CRL covers nothing, so its issuer's certificates fail closed", "[gateway][crl]") {
    TestCa ca;
    const auto leaf = leaf_of(ca, "t1");
    auto delta = crl_of(ca.device_issuer());
    // Mark it a delta CRL (base CRL number 1) and sign it again.
    ASN1_INTEGER* base = ASN1_INTEGER_new();
    ASN1_INTEGER_set(base, 1);
    REQUIRE(X509_CRL_add1_ext_i2d(delta.get(), NID_delta_crl, base, 1, X509V3_ADD_DEFAULT) == 1);
    ASN1_INTEGER_free(base);
    REQUIRE(X509_CRL_sign(delta.get(), ca.issuing_key.get(), EVP_sha256()) > 0);
    CrlIndex index;
    CHECK(index.add(std::move(delta), trusted(ca)) == "a delta CRL (deltaCRLIndicator)");
    CHECK(index.check(leaf.get(), ca.issuing.get(), unix_now()) == X509_V_ERR_UNABLE_TO_GET_CRL);
    // A complete CRL beside it covers the issuer again.
    CHECK(index.add(crl_of(ca.device_issuer()), trusted(ca)).empty());
    CHECK(index.check(leaf.get(), ca.issuing.get(), unix_now()) == X509_V_OK);
}
