// When a terminal may renew its certificate (EST simplereenroll). Without these rules a
// stolen or leaked certificate could mint fresh ones without end: each renewal supersedes
// the previous certificate, which stays valid only for an overlap (the registry's sweep
// then revokes it as "superseded"), a device holds at most two valid certificates, renews
// at most once per interval, and only near the end of its certificate's validity.
#pragma once

#include "store/device_registry.hpp"

#include <cstddef>
#include <string>

namespace sekisho::enroll {

// enrollment.renewal_* in the configuration.
struct RenewalPolicy {
    store::UnixSeconds overlap = 7 * 86400;   // the superseded certificate's grace time
    int window_percent = 33;                  // renew only in this last part of the validity; 100 = any time
    store::UnixSeconds min_interval = 3600;   // since the device's newest certificate was issued
};

// The certificate being renewed plus its successor: never more valid ones per device.
inline constexpr std::size_t kMaxValidCertificates = 2;

enum class RenewalRefusal { none, unknown_certificate, revoked, too_early, too_soon, too_many, temporary };

struct RenewalDecision {
    RenewalRefusal refusal = RenewalRefusal::none;
    std::string reason; // for the terminal and the log; empty when allowed
};

// Whether `device` may renew (never a temporary credential: it must end when it says) the certificate with this fingerprint at time now.
RenewalDecision check_renewal(const store::Device& device, const std::string& fingerprint,
                              const RenewalPolicy& policy, store::UnixSeconds now);

} // namespace sekisho::enroll
