// The issuing CA's CRLs at a fleet's size: a complete CRL while it is small, then delta CRLs
// (RFC 5280 §5.2.4) of the changes since the complete one, until the changes outgrow it.
#include "enroll/issuing_ca.hpp"
#include "pki/certificate.hpp"
#include "pki/pem_io.hpp"
#include "enroll_test_support.hpp"
#include "pki_test_support.hpp"
#include "store/clock.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/x509v3.h>

using namespace sekisho;
using Published = enroll::IssuingCa::Published;

namespace {

struct Fixture {
    pki::test::TempDir dir;
    pki::test::TestCa test_ca;
    store::test::TempRegistry temp;
    std::shared_ptr<store::Registry> registry = temp.open_registry();
    store::DeviceRegistry& devices = registry->devices();
    std::unique_ptr<enroll::IssuingCa> ca;
    std::vector<std::string> ids;
    std::vector<std::string> serials;

    Fixture(std::uint64_t delta_crl_above, int terminals) {
        auto cfg = enroll::test::issuing_ca_on_disk(dir, test_ca);
        cfg.delta_crl_above = delta_crl_above;
        ca = std::make_unique<enroll::IssuingCa>(cfg, "");
        std::vector<store::DeviceImport> batch;
        for (int n = 1; n <= terminals; ++n) {
            store::DeviceImport d;
            d.facility = n <= 70 ? "north" : "south";
            d.name = "pc-" + std::to_string(n);
            // Valid for a year from now: the CRL leaves out what expired long ago.
            d.certificates.push_back(store::test::test_certificate(n, store::system_clock_now() + 365 * 86400,
                                                                   ca->registry_name()));
            serials.push_back(d.certificates.back().serial_hex);
            batch.push_back(std::move(d));
        }
        ids = devices.import_devices(batch, "admin:test");
    }

    pki::X509CrlPtr parse(const std::string& der) const {
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        pki::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
        REQUIRE(crl);
        REQUIRE(X509_CRL_verify(crl.get(), X509_get0_pubkey(test_ca.issuing.get())) == 1);
        return crl;
    }
};

std::uint64_t integer_extension(X509_CRL* crl, int nid) {
    auto* value = static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, nid, nullptr, nullptr));
    REQUIRE(value != nullptr);
    std::uint64_t out = 0;
    ASN1_INTEGER_get_uint64(&out, value);
    ASN1_INTEGER_free(value);
    return out;
}

int entries(X509_CRL* crl) {
    const auto* revoked = X509_CRL_get_REVOKED(crl);
    return revoked ? sk_X509_REVOKED_num(revoked) : 0; // an empty CRL has no list at all
}

} // namespace

TEST_CASE("small CRLs are re-issued whole; beyond delta_crl_above changes go into a delta", "[enroll][crl]") {
    Fixture f(2, 6);
    f.ca->publish_crl(f.devices);
    f.devices.set_status(f.ids[0], store::DeviceStatus::revoked, "keyCompromise", "admin:test");
    CHECK(f.ca->refresh_crl(f.devices) == Published::complete); // one entry: still small
    CHECK(f.ca->crl_sizes() == std::pair<std::size_t, std::size_t>{1, 0});
    CHECK(f.ca->refresh_crl(f.devices) == Published::nothing);

    f.devices.set_status(f.ids[1], store::DeviceStatus::revoked, "keyCompromise", "admin:test");
    f.devices.set_status(f.ids[2], store::DeviceStatus::revoked, "superseded", "admin:test");
    CHECK(f.ca->refresh_crl(f.devices) == Published::delta);
    CHECK(f.ca->crl_sizes() == std::pair<std::size_t, std::size_t>{1, 2});
    const auto complete = f.parse(f.ca->current_crl_der());
    const auto delta = f.parse(f.ca->current_delta_crl_der());
    CHECK(entries(complete.get()) == 1);
    CHECK(entries(delta.get()) == 2);
    // The delta names the complete CRL it updates, and comes after it.
    CHECK(integer_extension(delta.get(), NID_delta_crl) == integer_extension(complete.get(), NID_crl_number));
    CHECK(integer_extension(delta.get(), NID_crl_number) > integer_extension(complete.get(), NID_crl_number));
    const int indicator = X509_CRL_get_ext_by_NID(delta.get(), NID_delta_crl, -1);
    REQUIRE(indicator >= 0);
    CHECK(X509_EXTENSION_get_critical(X509_CRL_get_ext(delta.get(), indicator)) == 1);
    CHECK(X509_CRL_get_ext_by_NID(complete.get(), NID_freshest_crl, -1) >= 0);
    // Written beside the complete CRL's file, as the enrollment listener serves it.
    CHECK(pki::load_crls(f.dir.file("device-ca-delta.crl")).size() == 1);
    CHECK(f.ca->refresh_crl(f.devices) == Published::nothing);

    // A hold goes into the delta; lifting it takes it out again.
    f.devices.set_status(f.ids[3], store::DeviceStatus::suspended, "repair", "admin:test");
    CHECK(f.ca->refresh_crl(f.devices) == Published::delta);
    CHECK(f.ca->crl_sizes().second == 3);
    f.devices.set_status(f.ids[3], store::DeviceStatus::active, "back", "admin:test");
    CHECK(f.ca->refresh_crl(f.devices) == Published::delta);
    CHECK(f.ca->crl_sizes().second == 2);
}

TEST_CASE("a hold on the complete CRL is lifted by removeFromCRL in the delta", "[enroll][crl]") {
    Fixture f(0, 3);
    f.devices.set_status(f.ids[0], store::DeviceStatus::suspended, "repair", "admin:test");
    f.ca->publish_crl(f.devices); // the complete CRL holds it
    f.devices.set_status(f.ids[0], store::DeviceStatus::active, "back", "admin:test");
    CHECK(f.ca->refresh_crl(f.devices) == Published::delta);
    const auto delta = f.parse(f.ca->current_delta_crl_der());
    REQUIRE(entries(delta.get()) == 1);
    auto* entry = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(delta.get()), 0);
    auto* reason = static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr));
    REQUIRE(reason != nullptr);
    CHECK(ASN1_ENUMERATED_get(reason) == 8); // removeFromCRL
    ASN1_ENUMERATED_free(reason);
}

TEST_CASE("changes that outgrow the complete CRL re-issue it whole", "[enroll][crl]") {
    Fixture f(0, 80);
    f.ca->publish_crl(f.devices);
    store::RevocationCriteria north;
    north.facility = "north"; // 70 terminals: more than the 64 a delta carries
    f.devices.revoke_many(north, "cessationOfOperation", "admin:test", false);
    CHECK(f.ca->refresh_crl(f.devices) == Published::complete);
    CHECK(f.ca->crl_sizes() == std::pair<std::size_t, std::size_t>{70, 0});
    CHECK(entries(f.parse(f.ca->current_crl_der()).get()) == 70);
    CHECK(entries(f.parse(f.ca->current_delta_crl_der()).get()) == 0); // a fresh delta on it
}
