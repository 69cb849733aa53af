// The gateway's view of the registry: compact (a million terminals in tens of megabytes), and
// kept by applying only what changed — which must give exactly what reading the whole
// registry again gives, whatever the sequence of registrations, suspensions, resumptions and
// revocations (a property checked over random sequences on a real registry).
#include "gateway/tls/device_admission.hpp"
#include "store/clock.hpp"
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <set>

using namespace sekisho;
using gateway::DeviceAdmission;
using gateway::DeviceView;
using gateway::RegistryWatch;
using store::test::TempRegistry;

namespace {

std::string fingerprint_of(std::uint64_t n) {
    // Spread over the view's shards as SHA-256 values are: vary the leading bytes too.
    char hex[65];
    std::snprintf(hex, sizeof hex, "%016llx%048llx", static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ULL),
                  static_cast<unsigned long long>(n));
    return hex;
}

store::CertificateState admitted(std::uint64_t n, const std::string& facility, store::UnixSeconds not_after) {
    return {fingerprint_of(n), facility, true, not_after, false};
}

} // namespace

TEST_CASE("the device view admits what it holds, until its notAfter, by exact fingerprint", "[view]") {
    DeviceView view;
    const std::string fp = fingerprint_of(7);
    CHECK(view.put(fp, "north", 1000));
    CHECK(view.admits(fp, 999));
    CHECK_FALSE(view.admits(fp, 1000)); // past notAfter: no longer, though held
    CHECK(view.facility_of(fp, 10) == std::optional<std::string>("north"));
    std::string upper = fp;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(view.admits(upper, 10)); // the same bytes, however they are printed
    CHECK_FALSE(view.admits(fp.substr(0, 63), 10));
    CHECK_FALSE(view.admits(fp + "0", 10));
    CHECK_FALSE(view.admits(std::string(64, 'g'), 10));
    CHECK_FALSE(view.admits("", 10));
    CHECK_FALSE(view.put("not hex", "north", 1000));
    CHECK(view.size() == 1);

    CHECK_FALSE(view.put(fp, "north", 1000)); // the same: no change
    CHECK(view.put(fp, "south", 2000));       // the registry moved it
    CHECK(view.facility_of(fp, 1500) == std::optional<std::string>("south"));
    CHECK(view.apply({fp, "south", false, 2000, false})); // revoked or suspended: dropped
    CHECK_FALSE(view.admits(fp, 10));
    CHECK(view.size() == 0);
    CHECK_FALSE(view.apply({fp, "south", false, 2000, false}));
}

TEST_CASE("the device view holds a certificate in well under 200 bytes", "[view]") {
    constexpr std::uint64_t kCertificates = 100000;
    auto view = std::make_shared<DeviceView>();
    for (std::uint64_t n = 0; n < kCertificates; ++n)
        view->bulk_add(admitted(n, "facility-" + std::to_string(n % 500), 2'000'000'000));
    view->seal();
    CHECK(view->size() == kCertificates);
    CHECK(view->memory_bytes() / kCertificates <= 64);
    CHECK(view->facility_of(fingerprint_of(1234), 0) == std::optional<std::string>("facility-234"));
    // Changed in place afterwards, as the registry changes.
    CHECK(view->apply({fingerprint_of(1234), "facility-234", false, 2'000'000'000, false}));
    CHECK(view->put(fingerprint_of(kCertificates + 1), "facility-new", 2'000'000'000));
    CHECK(view->size() == kCertificates);
    CHECK_FALSE(view->admits(fingerprint_of(1234), 0));
    CHECK(view->admits(fingerprint_of(kCertificates + 1), 0));
}

// A random life of a small fleet; after some of its steps the watched view (changes applied)
// is compared with a view read afresh and with the registry's own list of admitted
// certificates.
TEST_CASE("a view kept by changes equals a view read afresh, over random sequences", "[view][property]") {
    const store::UnixSeconds now = store::system_clock_now();
    const int seed = GENERATE(range(1, 13));
    CAPTURE(seed);
    std::mt19937 rng(static_cast<unsigned>(seed));
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

    TempRegistry temp;
    temp.set_now(now);
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    DeviceAdmission watched;
    RegistryWatch watch(*registry, watched, std::chrono::seconds(60));

    const std::vector<std::string> facilities{"north", "south", "east"};
    std::vector<std::string> ids;
    std::vector<std::string> serials;
    std::set<std::string> fingerprints;
    int next = 1;
    auto certificate = [&]() {
        // One in eight already past its notAfter: held by the registry, admitted by nobody.
        const store::UnixSeconds not_after = pick(8) == 0 ? now - 3600 : now + 86400 * static_cast<int>(1 + pick(400));
        auto cert = store::test::test_certificate(next++, not_after);
        serials.push_back(cert.serial_hex);
        fingerprints.insert(cert.fingerprint_sha256);
        return cert;
    };
    auto compare = [&]() {
        watch.poll();
        DeviceAdmission fresh;
        RegistryWatch reread(*registry, fresh, std::chrono::seconds(60));
        std::map<std::string, std::string> oracle;
        for (auto& c : devices.admitted_certificates()) oracle[c.fingerprint] = c.facility;
        CHECK(watched.size() == fresh.size());
        for (const auto& fp : fingerprints) {
            CAPTURE(fp);
            CHECK(watched.admits(fp) == fresh.admits(fp));
            CHECK(watched.facility_of(fp) == fresh.facility_of(fp));
            CHECK(watched.is_temporary(fp) == fresh.is_temporary(fp));
            const auto it = oracle.find(fp);
            CHECK(watched.facility_of(fp) == (it == oracle.end() ? std::nullopt : std::optional<std::string>(it->second)));
        }
    };

    for (int step = 0; step < 60; ++step) {
        const auto action = pick(ids.empty() ? 2 : 9);
        try {
            switch (action) {
            case 0: { // one terminal enrolled
                auto d = devices.create_device(facilities[pick(3)], "pc-" + std::to_string(next), "admin:a", pick(5) == 0);
                devices.add_certificate(d.id, certificate(), "admin:a");
                ids.push_back(d.id);
                break;
            }
            case 1: { // a batch moved in from another system
                std::vector<store::DeviceImport> batch(1 + pick(4));
                for (auto& item : batch) {
                    item.facility = facilities[pick(3)];
                    item.name = "imported-" + std::to_string(next);
                    item.temporary = pick(6) == 0;
                    item.certificates.push_back(certificate());
                }
                for (auto& id : devices.import_devices(batch, "admin:a")) ids.push_back(id);
                break;
            }
            case 2: devices.add_certificate(ids[pick(ids.size())], certificate(), "admin:a"); break; // renewal
            case 3:
            case 4: devices.set_status(ids[pick(ids.size())], store::DeviceStatus::suspended, "repair", "admin:a"); break;
            case 5: devices.set_status(ids[pick(ids.size())], store::DeviceStatus::active, "back", "admin:a"); break;
            case 6: devices.set_status(ids[pick(ids.size())], store::DeviceStatus::revoked, "", "admin:a"); break;
            case 7: devices.revoke_certificate(serials[pick(serials.size())], "keyCompromise", "admin:a"); break;
            case 8: {
                store::RevocationCriteria criteria;
                criteria.facility = facilities[pick(3)];
                if (pick(3) == 0) devices.revoke_many(criteria, "affiliationChanged", "admin:a", false);
                break;
            }
            }
        } catch (const store::RegistryError&) {
            // A change the registry refuses (resuming an active device, renewing a revoked
            // one) changes nothing: the views must still agree.
        }
        if (pick(3) == 0) compare();
    }
    compare();
}

TEST_CASE("a terminal admitted by its enrollment is checked against the registry at the next poll", "[view]") {
    // The enrollment registers the terminal, a facility's mass revocation commits and is
    // applied, then the enrollment admits the terminal it just registered: the next poll takes
    // it out again, though nothing in the registry changed since.
    const store::UnixSeconds now = store::system_clock_now();
    TempRegistry temp;
    temp.set_now(now);
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto d = devices.create_device("north", "new-pc", "est:ticket");
    auto cert = store::test::test_certificate(1, now + 86400);
    devices.add_certificate(d.id, cert, "est:ticket");
    DeviceAdmission admission;
    RegistryWatch watch(*registry, admission, std::chrono::seconds(60));
    store::RevocationCriteria north;
    north.facility = "north";
    devices.revoke_many(north, "affiliationChanged", "admin:a", false);
    CHECK(watch.poll());
    CHECK_FALSE(admission.admits(cert.fingerprint_sha256));
    admission.admit(cert.fingerprint_sha256, "north", cert.not_after); // late
    CHECK(admission.admits(cert.fingerprint_sha256));
    CHECK(watch.poll());
    CHECK_FALSE(admission.admits(cert.fingerprint_sha256));
    CHECK_FALSE(watch.poll()); // checked once

    // One the registry does admit stays.
    auto e = devices.create_device("south", "other-pc", "est:ticket");
    auto kept = store::test::test_certificate(2, now + 86400);
    devices.add_certificate(e.id, kept, "est:ticket");
    admission.admit(kept.fingerprint_sha256, "south", kept.not_after);
    CHECK(watch.poll());
    CHECK(admission.facility_of(kept.fingerprint_sha256) == std::optional<std::string>("south"));
}

TEST_CASE("the watch follows a suspension and a resumption by their changes alone", "[view]") {
    const store::UnixSeconds now = store::system_clock_now();
    TempRegistry temp;
    temp.set_now(now);
    auto registry = temp.open_registry();
    auto& devices = registry->devices();
    auto d = devices.create_device("north", "pc", "admin:a");
    auto cert = store::test::test_certificate(1, now + 86400);
    devices.add_certificate(d.id, cert, "admin:a");
    DeviceAdmission admission;
    RegistryWatch watch(*registry, admission, std::chrono::seconds(60));
    CHECK(admission.admits(cert.fingerprint_sha256));
    CHECK_FALSE(watch.poll()); // nothing changed
    devices.set_status(d.id, store::DeviceStatus::suspended, "repair", "admin:a");
    CHECK(watch.poll());
    CHECK_FALSE(admission.admits(cert.fingerprint_sha256));
    devices.set_status(d.id, store::DeviceStatus::active, "back", "admin:a");
    CHECK(watch.poll());
    CHECK(admission.facility_of(cert.fingerprint_sha256) == std::optional<std::string>("north"));
}
