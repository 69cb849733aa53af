// sekisho-fleet: fills the registry a configuration names with a terminal fleet, through the
// store's own API (scripts/bench.sh --fleet N): devices of 100 per facility, each with one
// certificate record of the issuing CA (random serial and fingerprint: records, not
// certificates anyone holds), registered in batches of one transaction each; then a share of
// the facilities revoked, one mass revocation each, as a closed clinic's terminals would be.
//
//   sekisho-fleet --config FILE --devices N [--revoked-share 0.1] [--issuer NAME]
//
// Prints one JSON line: devices, revoked, seconds to register, seconds to revoke.
#include "config/load.hpp"
#include "store/registry.hpp"

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kBatch = 5000;
constexpr std::size_t kPerFacility = 100;

std::string random_hex(std::size_t bytes, bool upper) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    static const char* lower_digits = "0123456789abcdef";
    static const char* upper_digits = "0123456789ABCDEF";
    const char* digits = upper ? upper_digits : lower_digits;
    std::string hex;
    for (unsigned char b : raw) {
        hex += digits[b >> 4];
        hex += digits[b & 15];
    }
    return hex;
}

std::string facility_name(std::size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "fleet-%06zu", i / kPerFacility);
    return name;
}

int usage() {
    std::cerr << "usage: sekisho-fleet --config FILE --devices N [--revoked-share 0.1] [--issuer NAME]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string config_path, issuer = "Sekisho Demo Device-Issuing CA";
    std::size_t devices = 0;
    double revoked_share = 0.1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i], value = argv[i + 1];
        if (flag == "--config") config_path = value;
        else if (flag == "--devices") devices = std::stoull(value);
        else if (flag == "--revoked-share") revoked_share = std::stod(value);
        else if (flag == "--issuer") issuer = value;
        else return usage();
    }
    if (config_path.empty() || argc % 2 == 0 || revoked_share < 0 || revoked_share > 1) return usage();
    try {
        const auto config = sekisho::config::load_file(config_path);
        auto registry = sekisho::store::open_registry(config.registry);
        auto& registry_devices = registry->devices();
        const auto now = static_cast<sekisho::store::UnixSeconds>(std::time(nullptr));
        const auto started = std::chrono::steady_clock::now();
        std::vector<sekisho::store::DeviceImport> batch;
        for (std::size_t i = 0; i < devices; ++i) {
            sekisho::store::DeviceImport device;
            device.facility = facility_name(i);
            device.name = "pc-" + std::to_string(i);
            sekisho::store::DeviceCertificate cert;
            cert.serial_hex = "7F" + random_hex(15, true); // 128 bits, positive
            cert.fingerprint_sha256 = random_hex(32, false);
            cert.not_before = now - 86400;
            cert.not_after = now + 365 * 86400;
            cert.issued_at = now - 86400;
            cert.issuer = issuer;
            device.certificates.push_back(std::move(cert));
            batch.push_back(std::move(device));
            if (batch.size() == kBatch || i + 1 == devices) {
                registry_devices.import_devices(batch, "bench:fleet");
                batch.clear();
            }
        }
        const double register_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // The first facilities of each ten (share 0.1: one in ten), revoked whole.
        const std::size_t facilities = (devices + kPerFacility - 1) / kPerFacility;
        const auto revoke_started = std::chrono::steady_clock::now();
        std::size_t revoked = 0;
        std::size_t to_revoke = static_cast<std::size_t>(static_cast<double>(facilities) * revoked_share + 0.5);
        for (std::size_t f = 0; f < facilities && to_revoke > 0; ++f) {
            if (revoked_share < 1 && static_cast<double>(f % 1000) >= 1000 * revoked_share) continue;
            sekisho::store::RevocationCriteria criteria;
            criteria.facility = facility_name(f * kPerFacility);
            revoked += registry_devices.revoke_many(criteria, "cessationOfOperation", "bench:fleet", false)
                           .devices.size();
            --to_revoke;
        }
        const double revoke_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - revoke_started).count();
        std::printf("{\"devices\": %zu, \"revoked\": %zu, \"register_s\": %.2f, \"revoke_s\": %.2f}\n", devices, revoked,
                    register_seconds, revoke_seconds);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "sekisho-fleet: " << e.what() << "\n";
        return 1;
    }
}
