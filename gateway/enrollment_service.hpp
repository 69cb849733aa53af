// What the enrollment listener answers: EST (RFC 7030) — /cacerts, /simpleenroll with a
// one-time ticket as HTTP Basic, /simplereenroll with the device's current certificate —
// and the CA's CRL. Plain request → reply functions: they touch SQLite and the CA key, so
// they run on the blocking pool, never on an I/O thread.
#pragma once

#include "gateway/issuing_ca.hpp"
#include "store/device_registry.hpp"

#include <memory>
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
    EnrollmentService(IssuingCa& ca, std::unique_ptr<store::DeviceRegistry> registry);

    EnrollmentReply handle(const EnrollmentRequest& req);

private:
    EnrollmentReply cacerts();
    EnrollmentReply simpleenroll(const EnrollmentRequest& req);
    EnrollmentReply simplereenroll(const EnrollmentRequest& req);
    EnrollmentReply serverkeygen(const EnrollmentRequest& req);
    EnrollmentReply crl(const std::string& name);
    EnrollmentReply enrollment_page(const EnrollmentRequest& req);
    EnrollmentReply browser_enroll(const EnrollmentRequest& req);
    EnrollmentReply trust_anchor();

    // The ticket if (id, code) redeems it; refusals are logged (locks at alert level).
    std::optional<store::EnrollmentTicket> redeem(const std::string& id, const std::string& code,
                                                  const std::string& peer);
    // Registers a new device for the ticket and issues its certificate for public_key.
    std::pair<store::Device, pki::X509Ptr> enroll_device(const store::EnrollmentTicket& ticket,
                                                         EVP_PKEY* public_key, const std::string& peer);

    IssuingCa& ca_;
    std::unique_ptr<store::DeviceRegistry> registry_;
};

} // namespace sekisho::gateway
