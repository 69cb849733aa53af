#include "enroll/enrollment.hpp"

#include "pki/certificate.hpp"

namespace sekisho::enroll {

Enrollment::Enrollment(IssuingCa& ca, store::DeviceRegistry& devices, store::TicketRegistry& tickets,
                       EventSink events, store::Clock clock, RenewalPolicy renewal)
    : ca_(ca), devices_(devices), tickets_(tickets), events_(std::move(events)), clock_(std::move(clock)),
      renewal_(renewal) {}

void Enrollment::report(EventLevel level, std::string name,
                        std::vector<std::pair<std::string, std::string>> fields) {
    if (events_) events_(Event{level, std::move(name), std::move(fields)});
}

store::Redemption Enrollment::redeem(const std::string& ticket_id, const std::string& code,
                                     const std::string& source) {
    store::Redemption redemption = tickets_.redeem_ticket(ticket_id, code, source, clock_());
    if (redemption.outcome != store::RedeemOutcome::ok) {
        const bool locked = redemption.ticket && redemption.ticket->locked;
        report(locked ? EventLevel::alert : EventLevel::warning, "enrollment.ticket_refused",
               {{"ticket", ticket_id},
                {"outcome", store::to_string(redemption.outcome)},
                {"locked", locked ? "true" : "false"},
                {"peer", source}});
    }
    return redemption;
}

EnrolledDevice Enrollment::enroll_device(const store::EnrollmentTicket& ticket, EVP_PKEY* public_key,
                                         const std::string& actor, const std::string& source) {
    const bool temporary = ticket.temporary_validity.has_value();
    store::Device device = devices_.create_device(ticket.facility, ticket.device_name, actor, temporary);
    pki::X509Ptr cert = ca_.issue_device_certificate(public_key, device, ticket.temporary_validity);
    const store::DeviceCertificate entry = ca_.registry_entry(cert.get());
    devices_.add_certificate(device.id, entry, actor);
    tickets_.attach_ticket_device(ticket.id, device.id, actor);
    device.certificates.push_back(entry);
    report(EventLevel::info, "enrollment.enrolled",
           {{"device", device.id},
            {"facility", device.facility},
            {"name", device.name},
            {"ticket", ticket.id},
            {"fingerprint", entry.fingerprint_sha256},
            {"peer", source},
            {"temporary", temporary ? "true" : "false"},
            {"not_after", std::to_string(entry.not_after)}});
    return {std::move(device), std::move(cert)};
}

std::optional<store::Device> Enrollment::device_for_renewal(X509* current, const std::string& source) {
    const std::string fingerprint = pki::sha256_fingerprint_hex(current);
    std::optional<store::Device> device = devices_.find_device_by_fingerprint(fingerprint);
    if (!device || device->status != store::DeviceStatus::active) {
        report(EventLevel::warning, "enrollment.renewal_refused",
               {{"fingerprint", fingerprint}, {"peer", source}, {"reason", "not an active device"}});
        return std::nullopt;
    }
    return device;
}

RenewalDecision Enrollment::check_renewal(const store::Device& device, X509* current, const std::string& source) {
    const std::string fingerprint = pki::sha256_fingerprint_hex(current);
    RenewalDecision decision = enroll::check_renewal(device, fingerprint, renewal_, clock_());
    if (decision.refusal != RenewalRefusal::none) {
        report(EventLevel::warning, "enrollment.renewal_refused",
               {{"device", device.id}, {"fingerprint", fingerprint}, {"peer", source}, {"reason", decision.reason}});
    }
    return decision;
}

pki::X509Ptr Enrollment::renew(const store::Device& device, X509* current, EVP_PKEY* public_key,
                               const std::string& actor, const std::string& source) {
    pki::X509Ptr cert = ca_.issue_device_certificate(public_key, device);
    const store::DeviceCertificate entry = ca_.registry_entry(cert.get());
    devices_.add_certificate(device.id, entry, actor);
    report(EventLevel::info, "enrollment.renewed",
           {{"device", device.id},
            {"facility", device.facility},
            {"old_fingerprint", pki::sha256_fingerprint_hex(current)},
            {"fingerprint", entry.fingerprint_sha256},
            {"peer", source}});
    return cert;
}

} // namespace sekisho::enroll
