#include "enroll/renewal_rules.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho;
using store::test::kStart;
using store::test::test_certificate;

namespace {

constexpr store::UnixSeconds kDay = 86400;

// A device with one certificate valid for 90 days from kStart, issued then.
store::Device device_with_one_certificate() {
    store::Device device;
    device.id = "dev-0000000000000001";
    store::DeviceCertificate cert = test_certificate(1, kStart + 90 * kDay);
    cert.not_before = kStart;
    device.certificates.push_back(cert);
    return device;
}

} // namespace

TEST_CASE("renewal opens only in the last part of the validity", "[enroll][renewal]") {
    const store::Device device = device_with_one_certificate();
    const std::string fp = device.certificates[0].fingerprint_sha256;
    enroll::RenewalPolicy policy; // 33%: from day 60.3 of 90

    auto early = enroll::check_renewal(device, fp, policy, kStart + 30 * kDay);
    CHECK(early.refusal == enroll::RenewalRefusal::too_early);
    CHECK_THAT(early.reason, Catch::Contains("last 33%"));
    CHECK(enroll::check_renewal(device, fp, policy, kStart + 61 * kDay).refusal == enroll::RenewalRefusal::none);

    policy.window_percent = 100; // the administrator's switch: any time
    CHECK(enroll::check_renewal(device, fp, policy, kStart + 2 * 3600).refusal == enroll::RenewalRefusal::none);
}

TEST_CASE("a device renews at most once per interval", "[enroll][renewal]") {
    const store::Device device = device_with_one_certificate();
    const std::string fp = device.certificates[0].fingerprint_sha256;
    enroll::RenewalPolicy policy;
    policy.window_percent = 100;

    auto soon = enroll::check_renewal(device, fp, policy, kStart + 600);
    CHECK(soon.refusal == enroll::RenewalRefusal::too_soon);
    CHECK_THAT(soon.reason, Catch::Contains(std::to_string(kStart + 3600)));
    CHECK(enroll::check_renewal(device, fp, policy, kStart + 3600).refusal == enroll::RenewalRefusal::none);
}

TEST_CASE("a device holds at most two valid certificates", "[enroll][renewal]") {
    store::Device device = device_with_one_certificate();
    store::DeviceCertificate renewed = test_certificate(2, kStart + 180 * kDay);
    renewed.issued_at = kStart + 70 * kDay;
    device.certificates.push_back(renewed);
    const std::string old_fp = device.certificates[0].fingerprint_sha256;
    enroll::RenewalPolicy policy;

    // The old certificate, in its overlap, cannot mint a third one.
    auto third = enroll::check_renewal(device, old_fp, policy, kStart + 72 * kDay);
    CHECK(third.refusal == enroll::RenewalRefusal::too_many);
    CHECK_THAT(third.reason, Catch::Contains("2 valid certificates"));

    // Once it is revoked (superseded), it cannot renew at all.
    device.certificates[0].revoked_at = kStart + 77 * kDay;
    device.certificates[0].status_reason = "superseded";
    CHECK(enroll::check_renewal(device, old_fp, policy, kStart + 78 * kDay).refusal ==
          enroll::RenewalRefusal::revoked);
    CHECK(enroll::check_renewal(device, "ab", policy, kStart).refusal == enroll::RenewalRefusal::unknown_certificate);
}
