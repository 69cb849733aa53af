// What the enrollment listener answers: EST (RFC 7030) — /cacerts, /simpleenroll with a
// one-time ticket as HTTP Basic, /simplereenroll with the device's current certificate —
// the browser enrollment page and the CA's CRL. The HTTP side only: tickets, devices and
// certificates are enroll::Enrollment's. Plain request → reply functions: they touch
// SQLite and the CA key, so they run on the blocking pool, never on an I/O thread.
#pragma once

#include "enroll/enrollment.hpp"
#include "enroll/issuing_ca.hpp"
#include "gateway/tls/device_admission.hpp"
#include "store/device_registry.hpp"
#include "store/ticket_registry.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::gateway {

struct EnrollmentRequest {
    std::string method;
    std::string path;          // without the query
    std::string query;         // after '?', raw
    std::string authorization; // the Authorization header, as sent
    std::string content_type;
    std::string body;
    std::string peer;          // "ip:port" of the terminal
    X509* client_certificate = nullptr; // verified against the device CAs, or nullptr
};

struct EnrollmentReply {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

class EnrollmentService {
public:
    // crl_files: tls.crl; besides the CA's own CRL, /crl/<name>.crl serves the one of these
    // files called <name>.crl (the root's, which an issuing CA certificate may point at).
    // admission (may be null) learns each certificate issued here at once, so the terminal
    // gets in at its next handshake rather than one registry poll later.
    // renewal: enrollment.renewal_* (when simplereenroll is allowed). ca, devices and tickets
    // must outlive the service.
    EnrollmentService(enroll::IssuingCa& ca, store::DeviceRegistry& devices, store::TicketRegistry& tickets,
                      std::vector<std::string> crl_files = {}, DeviceAdmission* admission = nullptr,
                      enroll::RenewalPolicy renewal = {});

    EnrollmentReply handle(const EnrollmentRequest& req);

    // Serves /crl/<name>.crl of an earlier issuing CA (enrollment.previous_cas) as well; it
    // must outlive the service. Call before the listener starts.
    void serve_crl_of(const enroll::IssuingCa& previous) { previous_cas_.push_back(&previous); }

private:
    EnrollmentReply cacerts();
    EnrollmentReply simpleenroll(const EnrollmentRequest& req);
    EnrollmentReply simplereenroll(const EnrollmentRequest& req);
    EnrollmentReply serverkeygen(const EnrollmentRequest& req);
    EnrollmentReply crl(const std::string& name);
    EnrollmentReply enrollment_page(const EnrollmentRequest& req);
    EnrollmentReply browser_enroll(const EnrollmentRequest& req);
    EnrollmentReply trust_anchor();

    // The ticket if (id, code) redeems it (refusals are logged by enrollment_).
    std::optional<store::EnrollmentTicket> redeem(const std::string& id, const std::string& code,
                                                  const std::string& peer);
    // A new device for the ticket and its certificate for public_key; "est:<ticket>" in the ledger.
    enroll::EnrolledDevice enroll_device(const store::EnrollmentTicket& ticket, EVP_PKEY* public_key,
                                         const std::string& peer);

    enroll::IssuingCa& ca_;
    enroll::Enrollment enrollment_; // on ca_ and the registry
    std::vector<std::string> crl_files_;
    std::vector<const enroll::IssuingCa*> previous_cas_;
    DeviceAdmission* admission_;
    std::mutex renewal_mutex_; // check and issue as one step: two renewals at once cannot both pass
    void admit(X509* issued, const store::Device& device);
};

} // namespace sekisho::gateway
