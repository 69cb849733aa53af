#include "enroll/renewal_rules.hpp"

#include <algorithm>

namespace sekisho::enroll {

namespace {

RenewalDecision refuse(RenewalRefusal refusal, std::string reason) { return {refusal, std::move(reason)}; }

std::string at(store::UnixSeconds t) { return std::to_string(t) + " (Unix time)"; }

} // namespace

RenewalDecision check_renewal(const store::Device& device, const std::string& fingerprint,
                              const RenewalPolicy& policy, store::UnixSeconds now) {
    const auto& certs = device.certificates;
    const auto current = std::find_if(certs.begin(), certs.end(), [&](const store::DeviceCertificate& c) {
        return c.fingerprint_sha256 == fingerprint;
    });
    if (current == certs.end()) return refuse(RenewalRefusal::unknown_certificate, "the certificate is not registered");
    if (device.temporary)
        return refuse(RenewalRefusal::temporary, "a temporary credential does not renew; once it ends, the terminal "
                                                 "needs a new enrollment ticket");
    // A superseded certificate past its overlap must not come back through renewal.
    if (current->revoked_at) return refuse(RenewalRefusal::revoked, "the certificate is revoked");

    const store::UnixSeconds validity = current->not_after - current->not_before;
    const store::UnixSeconds opens = current->not_after - validity * policy.window_percent / 100;
    if (now < opens) {
        return refuse(RenewalRefusal::too_early,
                      "renewal opens in the last " + std::to_string(policy.window_percent) +
                          "% of the certificate's validity, at " + at(opens) +
                          "; an administrator can allow earlier renewal (enrollment.renewal_window)");
    }
    store::UnixSeconds newest = 0;
    std::size_t valid = 0;
    for (const auto& c : certs) {
        newest = std::max(newest, c.issued_at);
        if (!c.revoked_at && c.not_after > now) ++valid;
    }
    if (now < newest + policy.min_interval) {
        return refuse(RenewalRefusal::too_soon, "the device got a certificate at " + at(newest) +
                                                    "; the next renewal is allowed from " +
                                                    at(newest + policy.min_interval));
    }
    if (valid >= kMaxValidCertificates) {
        return refuse(RenewalRefusal::too_many,
                      "the device already has " + std::to_string(valid) +
                          " valid certificates; renew again once the superseded one is revoked "
                          "(enrollment.renewal_overlap after the last renewal)");
    }
    return {};
}

} // namespace sekisho::enroll
