// Enrolling a terminal, whoever asks: a one-time ticket is redeemed, a device is registered
// for it and its certificate issued and recorded — the same steps for EST, the browser page
// and `sekishoctl demo init`. Renewal issues a further certificate for an active device.
// No sockets, no HTTP; calls block on SQLite and the CA key.
#pragma once

#include "enroll/issuing_ca.hpp"
#include "enroll/renewal_rules.hpp"
#include "pki/ossl.hpp"
#include "store/clock.hpp"
#include "store/device_registry.hpp"
#include "store/ticket_registry.hpp"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::enroll {

// What happened, for the caller's log: the gateway writes it as a log event, the command
// line may ignore it. alert = someone may be guessing codes (a ticket locked).
enum class EventLevel { info, warning, alert };

struct Event {
    EventLevel level = EventLevel::info;
    std::string name; // "enrollment.enrolled", "enrollment.ticket_refused", ...
    std::vector<std::pair<std::string, std::string>> fields;
};

using EventSink = std::function<void(const Event&)>;

struct EnrolledDevice {
    store::Device device;
    pki::X509Ptr certificate;
};

class Enrollment {
public:
    // Neither ca nor the registries are owned; all must outlive this object. clock decides
    // whether a ticket has expired, so it must be the registry's.
    Enrollment(IssuingCa& ca, store::DeviceRegistry& devices, store::TicketRegistry& tickets,
               EventSink events = {}, store::Clock clock = store::system_clock_now,
               RenewalPolicy renewal = {});

    // Checks (ticket_id, code); source is where the attempt came from ("ip:port", "demo-init").
    // A refusal (outcome other than ok) is reported as enrollment.ticket_refused, at alert
    // level once the ticket is locked. Wrong codes count towards the lock (the registry's rule).
    store::Redemption redeem(const std::string& ticket_id, const std::string& code,
                             const std::string& source);

    // For a ticket redeem() accepted: registers a new device (the ticket's facility and
    // name), issues its certificate for public_key, records it and ties the ticket to the
    // device; actor names who did it in the ledger. Reported as enrollment.enrolled.
    EnrolledDevice enroll_device(const store::EnrollmentTicket& ticket, EVP_PKEY* public_key,
                                 const std::string& actor, const std::string& source);

    // The active device `current` is a certificate of, or nothing (reported as
    // enrollment.renewal_refused): only active devices renew.
    std::optional<store::Device> device_for_renewal(X509* current, const std::string& source);

    // Whether the renewal rules (renewal_rules.hpp) let `current` of device renew now; a
    // refusal is reported as enrollment.renewal_refused with its reason.
    RenewalDecision check_renewal(const store::Device& device, X509* current, const std::string& source);

    // A further certificate of the device for public_key, recorded in the registry. It
    // supersedes the older ones: the registry's sweep (revoke_superseded) revokes them once
    // the policy's overlap has passed. Reported as enrollment.renewed.
    pki::X509Ptr renew(const store::Device& device, X509* current, EVP_PKEY* public_key,
                       const std::string& actor, const std::string& source);

private:
    void report(EventLevel level, std::string name, std::vector<std::pair<std::string, std::string>> fields);

    IssuingCa& ca_;
    store::DeviceRegistry& devices_;
    store::TicketRegistry& tickets_;
    EventSink events_;
    store::Clock clock_;
    RenewalPolicy renewal_;
};

} // namespace sekisho::enroll
