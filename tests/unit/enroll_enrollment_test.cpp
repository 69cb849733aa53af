#include "enroll/enrollment.hpp"
#include "pki/certificate.hpp"
#include "pki/pem_io.hpp"
#include "enroll_test_support.hpp"
#include "pki_test_support.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/x509v3.h>

#include <algorithm>
#include <chrono>

using namespace sekisho;
using store::test::kStart;
using store::test::TempRegistry;

namespace {

// A device-issuing CA on disk, as enrollment.ca names it, over a fresh registry.
struct Fixture {
    pki::test::TempDir dir;
    pki::test::TestCa test_ca;
    TempRegistry temp;
    std::shared_ptr<store::Registry> registry = temp.open_registry();
    store::DeviceRegistry& devices = registry->devices();
    store::TicketRegistry& tickets = registry->tickets();
    std::vector<enroll::Event> events;
    std::unique_ptr<enroll::IssuingCa> ca;
    std::unique_ptr<enroll::Enrollment> enrollment;

    explicit Fixture(enroll::RenewalPolicy renewal = {}) {
        ca = std::make_unique<enroll::IssuingCa>(enroll::test::issuing_ca_on_disk(dir, test_ca), "");
        enrollment = std::make_unique<enroll::Enrollment>(
            *ca, devices, tickets, [this](const enroll::Event& e) { events.push_back(e); },
            [this] { return temp.now(); }, renewal);
    }

    std::string field(const enroll::Event& event, const std::string& key) const {
        for (const auto& [k, v] : event.fields)
            if (k == key) return v;
        return "";
    }
};

std::vector<std::string> san_uris(X509* cert) {
    std::vector<std::string> uris;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
        uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                          static_cast<std::size_t>(ASN1_STRING_length(uri)));
    }
    GENERAL_NAMES_free(names);
    return uris;
}

} // namespace

TEST_CASE("a ticket enrolls one device, whose certificate the registry records", "[enroll]") {
    Fixture f;
    auto [ticket, code] = f.tickets.create_ticket("north", "ward3-pc1", 3600, "admin:alice");

    auto redemption = f.enrollment->redeem(ticket.id, code, "192.0.2.7:5000");
    REQUIRE(redemption.outcome == store::RedeemOutcome::ok);
    REQUIRE(redemption.ticket);
    CHECK(f.events.empty()); // an accepted code is no event of its own

    auto key = pki::generate_key();
    auto enrolled =
        f.enrollment->enroll_device(*redemption.ticket, key.get(), "est:" + ticket.id, "192.0.2.7:5000");
    CHECK(enrolled.device.facility == "north");
    CHECK(enrolled.device.name == "ward3-pc1");
    CHECK(enrolled.device.created_by == "est:" + ticket.id);
    X509* cert = enrolled.certificate.get();
    CHECK(san_uris(cert) == std::vector<std::string>{"urn:sekisho:device:north:" + enrolled.device.id});
    CHECK(pki::facility_of(cert) == "north");
    CHECK(pki::has_client_auth_eku(cert));
    CHECK(X509_verify(cert, X509_get0_pubkey(f.test_ca.issuing.get())) == 1);

    // Recorded: the gateway will admit this certificate, and the ticket names its device.
    const auto fingerprint = pki::sha256_fingerprint_hex(cert);
    auto stored = f.devices.find_device_by_fingerprint(fingerprint);
    REQUIRE(stored);
    CHECK(stored->id == enrolled.device.id);
    REQUIRE(stored->certificates.size() == 1);
    CHECK(stored->certificates[0].serial_hex == pki::serial_hex_of(cert));
    CHECK(stored->certificates[0].issuer == "Test Device CA");
    const auto active = f.devices.active_fingerprints();
    CHECK(std::find(active.begin(), active.end(), fingerprint) != active.end());
    CHECK(f.tickets.get_ticket(ticket.id)->device_id == enrolled.device.id);

    REQUIRE(f.events.size() == 1);
    CHECK(f.events[0].name == "enrollment.enrolled");
    CHECK(f.events[0].level == enroll::EventLevel::info);
    CHECK(f.field(f.events[0], "fingerprint") == fingerprint);

    // The code is spent: the same ticket and code are refused and change nothing.
    auto again = f.enrollment->redeem(ticket.id, code, "192.0.2.7:5001");
    CHECK(again.outcome == store::RedeemOutcome::used_up);
    REQUIRE(f.events.size() == 2);
    CHECK(f.events[1].name == "enrollment.ticket_refused");
    CHECK(f.field(f.events[1], "outcome") == store::to_string(store::RedeemOutcome::used_up));
    CHECK(f.devices.list_devices().size() == 1);
}

TEST_CASE("wrong codes are counted and the last one locks the ticket at alert level", "[enroll]") {
    Fixture f;
    auto [ticket, code] = f.tickets.create_ticket("north", "ward3-pc2", 3600, "admin:alice");

    auto wrong = f.enrollment->redeem(ticket.id, "AAAAA-AAAAA-AAAAA-AAAAA", "192.0.2.8:1");
    CHECK(wrong.outcome == store::RedeemOutcome::wrong_code);
    CHECK(f.tickets.get_ticket(ticket.id)->failed_attempts == 1);
    REQUIRE(f.events.size() == 1);
    CHECK(f.events[0].level == enroll::EventLevel::warning);
    CHECK(f.field(f.events[0], "peer") == "192.0.2.8:1");
    CHECK(f.field(f.events[0], "locked") == "false");

    for (int i = 1; i < store::kMaxFailedAttempts; ++i)
        f.enrollment->redeem(ticket.id, "AAAAA-AAAAA-AAAAA-AAAAA", "192.0.2.8:1");
    CHECK(f.tickets.get_ticket(ticket.id)->locked);
    CHECK(f.events.back().level == enroll::EventLevel::alert);
    CHECK(f.field(f.events.back(), "locked") == "true");
    // Locked for good: even the right code is refused now.
    CHECK(f.enrollment->redeem(ticket.id, code, "192.0.2.8:1").outcome == store::RedeemOutcome::locked);
}

TEST_CASE("an expired or unknown ticket is refused", "[enroll]") {
    Fixture f;
    auto [ticket, code] = f.tickets.create_ticket("north", "ward3-pc3", 60, "admin:alice");
    f.temp.set_now(kStart + 61);
    CHECK(f.enrollment->redeem(ticket.id, code, "192.0.2.9:1").outcome == store::RedeemOutcome::expired);
    CHECK(f.enrollment->redeem("tkt-0000000000000000", code, "192.0.2.9:1").outcome ==
          store::RedeemOutcome::unknown);
    CHECK(f.events.size() == 2);
}

TEST_CASE("only an active device renews, and the new certificate is recorded too", "[enroll]") {
    Fixture f;
    auto [ticket, code] = f.tickets.create_ticket("south", "lab-pc", 3600, "admin:alice");
    auto redemption = f.enrollment->redeem(ticket.id, code, "192.0.2.10:1");
    REQUIRE(redemption.ticket);
    auto first_key = pki::generate_key();
    auto enrolled = f.enrollment->enroll_device(*redemption.ticket, first_key.get(), "demo-init", "local");

    auto device = f.enrollment->device_for_renewal(enrolled.certificate.get(), "192.0.2.10:2");
    REQUIRE(device);
    auto second_key = pki::generate_key();
    auto renewed = f.enrollment->renew(*device, enrolled.certificate.get(), second_key.get(), "est:renewal",
                                       "192.0.2.10:2");
    CHECK(san_uris(renewed.get()) == san_uris(enrolled.certificate.get()));
    auto stored = f.devices.get_device(device->id);
    REQUIRE(stored);
    CHECK(stored->certificates.size() == 2);
    CHECK(f.events.back().name == "enrollment.renewed");

    f.devices.set_status(device->id, store::DeviceStatus::suspended, "lost", "admin:bob");
    CHECK_FALSE(f.enrollment->device_for_renewal(renewed.get(), "192.0.2.10:3"));
    CHECK(f.events.back().name == "enrollment.renewal_refused");
}

TEST_CASE("renewal is refused too early, too often and beyond two valid certificates", "[enroll][renewal]") {
    enroll::RenewalPolicy anytime;
    anytime.window_percent = 100;
    anytime.min_interval = 3600;
    for (const bool early_allowed : {false, true}) {
        Fixture f(early_allowed ? anytime : enroll::RenewalPolicy{});
        const auto real_now = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
        f.temp.set_now(real_now); // the certificates carry real times
        auto [ticket, code] = f.tickets.create_ticket("south", "lab-pc", 3600, "admin:alice");
        auto redemption = f.enrollment->redeem(ticket.id, code, "192.0.2.10:1");
        REQUIRE(redemption.ticket);
        auto first_key = pki::generate_key();
        auto enrolled = f.enrollment->enroll_device(*redemption.ticket, first_key.get(), "demo-init", "local");
        auto device = f.enrollment->device_for_renewal(enrolled.certificate.get(), "192.0.2.10:2");
        REQUIRE(device);

        if (!early_allowed) { // a fresh certificate: far from the last third of its validity
            CHECK(f.enrollment->check_renewal(*device, enrolled.certificate.get(), "192.0.2.10:2").refusal ==
                  enroll::RenewalRefusal::too_early);
            CHECK(f.events.back().name == "enrollment.renewal_refused");
            CHECK_THAT(f.field(f.events.back(), "reason"), Catch::Contains("renewal_window"));
            continue;
        }
        CHECK(f.enrollment->check_renewal(*device, enrolled.certificate.get(), "p").refusal ==
              enroll::RenewalRefusal::too_soon); // just enrolled
        // A minute past the interval: the certificate was issued a moment after real_now was read.
        f.temp.set_now(real_now + 3600 + 60);
        REQUIRE(f.enrollment->check_renewal(*device, enrolled.certificate.get(), "p").refusal ==
                enroll::RenewalRefusal::none);
        auto second_key = pki::generate_key();
        auto renewed = f.enrollment->renew(*device, enrolled.certificate.get(), second_key.get(), "est:renewal", "p");
        f.temp.set_now(real_now + 3 * 3600);
        device = f.enrollment->device_for_renewal(enrolled.certificate.get(), "p");
        REQUIRE(device);
        CHECK(f.enrollment->check_renewal(*device, enrolled.certificate.get(), "p").refusal ==
              enroll::RenewalRefusal::too_many);
    }
}
