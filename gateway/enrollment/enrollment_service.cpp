#include "gateway/enrollment/enrollment_service.hpp"

#include "config/delta_crl.hpp"
#include "gateway/enrollment/enrollment_page.hpp"
#include "gateway/events/log.hpp"
#include "gateway/events/refusal_records.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/csr_policy.hpp"
#include "pki/est_messages.hpp"
#include "pki/keygen.hpp"
#include "pki/pkcs12.hpp"
#include "pki/random.hpp"

#include <boost/beast/core/string.hpp>

#include <filesystem>
#include <optional>
#include <vector>

namespace sekisho::gateway {
namespace {

constexpr std::string_view est_prefix = "/.well-known/est/";
constexpr const char* pkcs7_certs_only = "application/pkcs7-mime; smime-type=certs-only";

EnrollmentReply text(unsigned status, std::string body) {
    EnrollmentReply r;
    r.status = status;
    r.body = std::move(body) + "\n";
    return r;
}

EnrollmentReply html(unsigned status, std::string page) {
    EnrollmentReply r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = std::move(page);
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'");
    r.headers.emplace_back("X-Frame-Options", "DENY");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    return r;
}

EnrollmentReply unauthorized(std::string body) {
    auto r = text(401, std::move(body));
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"sekisho-enrollment\", charset=\"UTF-8\"");
    return r;
}

EnrollmentReply certs_reply(const std::vector<X509*>& certs) {
    EnrollmentReply r;
    r.content_type = pkcs7_certs_only;
    r.body = pki::base64_encode(pki::certs_only_pkcs7_der(certs), true);
    r.headers.emplace_back("Content-Transfer-Encoding", "base64");
    return r;
}

// "Basic base64(user:password)" → (user, password).
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
    if (header.size() < 6 || !boost::beast::iequals(header.substr(0, 6), "Basic ")) return std::nullopt;
    auto decoded = pki::base64_decode(header.substr(6));
    if (!decoded) return std::nullopt;
    auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

// The CSR of an EST body, checked against the policy: (public key, "") or (nullptr, why not).
std::pair<pki::EvpPkeyPtr, std::string> checked_public_key(const EnrollmentRequest& req) {
    try {
        auto csr = pki::parse_est_csr(req.body);
        auto check = pki::check_csr(csr.get(), pki::CsrPolicy{});
        if (!check.ok) return {nullptr, check.reason};
        return {std::move(check.public_key), ""};
    } catch (const std::exception& e) {
        return {nullptr, std::string("the body is not a base64 PKCS#10 CSR: ") + e.what()};
    }
}

spdlog::level::level_enum level_of(enroll::EventLevel level) {
    switch (level) {
    case enroll::EventLevel::info:
        return spdlog::level::info;
    case enroll::EventLevel::warning:
        return spdlog::level::warn;
    case enroll::EventLevel::alert:
        return spdlog::level::critical;
    }
    return spdlog::level::err;
}

// What the enrollment library reports becomes a gateway log event like any other.
void log_enrollment_event(const enroll::Event& event) {
    const std::vector<LogField> fields(event.fields.begin(), event.fields.end());
    // A wrong code needs no credential: once per source a minute. A lock is always written.
    if (event.name == "enrollment.ticket_refused" && event.level != enroll::EventLevel::alert) {
        std::string_view peer;
        for (const auto& [k, v] : fields)
            if (k == "peer") peer = v;
        log_refusal_fields(level_of(event.level), event.name, "ticket_refused", peer, fields);
        return;
    }
    log_event_fields(level_of(event.level), event.name, fields);
}

} // namespace

EnrollmentService::EnrollmentService(enroll::IssuingCa& ca, store::DeviceRegistry& devices,
                                     store::TicketRegistry& tickets, std::vector<std::string> crl_files,
                                     DeviceAdmission* admission, enroll::RenewalPolicy renewal)
    : ca_(ca), enrollment_(ca_, devices, tickets, log_enrollment_event, store::system_clock_now, renewal),
      crl_files_(std::move(crl_files)), admission_(admission) {}

void EnrollmentService::admit(X509* issued, const store::Device& device) {
    if (!admission_) return;
    const auto not_after = pki::unix_seconds(X509_get0_notAfter(issued));
    if (!not_after) return; // cannot happen with a certificate we issued; the next poll admits it
    admission_->admit(pki::sha256_fingerprint_hex(issued), device.facility, *not_after, device.temporary);
}

EnrollmentReply EnrollmentService::handle(const EnrollmentRequest& req) {
    try {
        if (req.path.starts_with("/crl/") && req.path.ends_with(".crl")) {
            if (req.method != "GET" && req.method != "HEAD") return text(405, "GET only");
            return crl(req.path.substr(5, req.path.size() - 9));
        }
        if (req.path == "/enroll" || req.path == "/enroll/") {
            if (req.method == "GET" || req.method == "HEAD") return enrollment_page(req);
            if (req.method == "POST") return browser_enroll(req);
            return text(405, "GET or POST");
        }
        if (req.path == "/enroll/ca.crt") return trust_anchor();
        if (!req.path.starts_with(est_prefix)) return text(404, "no such page");
        const auto op = req.path.substr(est_prefix.size());
        if (op == "cacerts") {
            if (req.method != "GET" && req.method != "HEAD") return text(405, "GET only");
            return cacerts();
        }
        if (op == "simpleenroll" || op == "simplereenroll") {
            if (req.method != "POST") return text(405, "POST only");
            return op == "simpleenroll" ? simpleenroll(req) : simplereenroll(req);
        }
        if (op == "serverkeygen") {
            if (req.method != "POST") return text(405, "POST only");
            return serverkeygen(req);
        }
        return text(404, "unsupported EST operation");
    } catch (const store::RegistryUnavailable& e) { // nothing was used up: the ticket still works later
        log_event(spdlog::level::err, "enrollment.failed",
                  {{"path", req.path}, {"peer", req.peer}, {"reason", e.what()}, {"detail", "the registry is unavailable"}});
        auto reply = text(503, "the registry is unavailable; try again in a minute");
        reply.headers.emplace_back("Retry-After", "60");
        return reply;
    } catch (const std::exception& e) {
        log_event(spdlog::level::err, "enrollment.failed", {{"path", req.path}, {"peer", req.peer}, {"reason", e.what()}});
        return text(500, "enrollment failed; the administrator can see why in the gateway log");
    }
}

EnrollmentReply EnrollmentService::cacerts() { return certs_reply(ca_.chain()); }

EnrollmentReply EnrollmentService::crl(const std::string& name) {
    EnrollmentReply r;
    r.content_type = "application/pkix-crl";
    std::vector<const enroll::IssuingCa*> cas{&ca_};
    cas.insert(cas.end(), previous_cas_.begin(), previous_cas_.end());
    for (const enroll::IssuingCa* ca : cas) {
        const bool delta = name == config::delta_crl_name(ca->name()); // RFC 5280 §5.2.4, on the complete one
        if (name != ca->name() && !delta) continue;
        r.body = delta ? ca->current_delta_crl_der() : ca->current_crl_der();
        if (r.body.empty()) return text(404, "no CRL published yet");
        return r;
    }
    // Read at each request: a root CRL re-signed offline and copied over is served at once.
    for (const auto& file : crl_files_) {
        if (std::filesystem::path(file).filename() != name + ".crl") continue;
        r.body = pki::crl_to_der(pki::load_crls(file).front().get());
        return r;
    }
    return text(404, "no CRL of that name");
}

std::optional<store::EnrollmentTicket> EnrollmentService::redeem(const std::string& id, const std::string& code,
                                                                const std::string& peer) {
    auto redemption = enrollment_.redeem(id, code, peer);
    if (redemption.outcome != store::RedeemOutcome::ok) return std::nullopt;
    return std::move(redemption.ticket);
}

enroll::EnrolledDevice EnrollmentService::enroll_device(const store::EnrollmentTicket& ticket,
                                                        EVP_PKEY* public_key, const std::string& peer) {
    auto enrolled = enrollment_.enroll_device(ticket, public_key, "est:" + ticket.id, peer);
    admit(enrolled.certificate.get(), enrolled.device);
    return enrolled;
}

EnrollmentReply EnrollmentService::simpleenroll(const EnrollmentRequest& req) {
    auto credentials = basic_credentials(req.authorization);
    if (!credentials) return unauthorized("enrollment needs the ticket id and code (HTTP Basic)");
    // The CSR is checked first, so a refused CSR does not use the ticket up.
    auto [public_key, refusal] = checked_public_key(req);
    if (!public_key) {
        log_event(spdlog::level::warn, "enrollment.csr_refused",
                  {{"ticket", credentials->first}, {"peer", req.peer}, {"reason", refusal}});
        return text(400, "CSR refused: " + refusal);
    }
    auto ticket = redeem(credentials->first, credentials->second, req.peer);
    if (!ticket) return unauthorized("authentication failed");
    const auto enrolled = enroll_device(*ticket, public_key.get(), req.peer);
    return certs_reply({enrolled.certificate.get()});
}

// RFC 7030 §4.4: for terminals that cannot make a key. The key leaves only inside this
// TLS response; nothing of it is kept.
EnrollmentReply EnrollmentService::serverkeygen(const EnrollmentRequest& req) {
    auto credentials = basic_credentials(req.authorization);
    if (!credentials) return unauthorized("enrollment needs the ticket id and code (HTTP Basic)");
    auto ticket = redeem(credentials->first, credentials->second, req.peer);
    if (!ticket) return unauthorized("authentication failed");
    auto key = pki::generate_key();
    const auto enrolled = enroll_device(*ticket, key.get(), req.peer);
    auto multipart = pki::serverkeygen_multipart(key.get(), enrolled.certificate.get());
    EnrollmentReply r;
    r.content_type = multipart.content_type;
    r.body = std::move(multipart.body);
    return r;
}

EnrollmentReply EnrollmentService::enrollment_page(const EnrollmentRequest& req) {
    return html(200, enrollment_form_html(query_parameter(req.query, "ticket"), ""));
}

EnrollmentReply EnrollmentService::browser_enroll(const EnrollmentRequest& req) {
    auto form = parse_enrollment_form(req.body);
    if (!form) return html(400, enrollment_form_html("", "チケットIDと登録コードを入力してください。 Enter the ticket ID and the code."));
    auto ticket = redeem(form->first, form->second, req.peer);
    if (!ticket) return html(401, enrollment_form_html(form->first, "認証に失敗しました。 Authentication failed."));
    auto key = pki::generate_key();
    const auto enrolled = enroll_device(*ticket, key.get(), req.peer);
    const auto& name = enrolled.device.name;
    const auto password = pki::random_password(20);
    const auto chain = ca_.chain();
    const auto p12 = pki::export_pkcs12(key.get(), enrolled.certificate.get(), chain, password, name);
    return html(200, enrollment_result_html(name, p12, password, pki::sha256_fingerprint_hex(chain.back())));
}

EnrollmentReply EnrollmentService::trust_anchor() {
    EnrollmentReply r;
    r.content_type = "application/x-x509-ca-cert";
    r.body = pki::to_pem(ca_.chain().back());
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"sekisho-ca.crt\"");
    return r;
}

EnrollmentReply EnrollmentService::simplereenroll(const EnrollmentRequest& req) {
    if (!req.client_certificate)
        return unauthorized("renewal needs the terminal's current certificate (TLS client authentication)");
    const auto device = enrollment_.device_for_renewal(req.client_certificate, req.peer);
    if (!device) return text(403, "this certificate belongs to no active device");
    auto [public_key, refusal] = checked_public_key(req);
    if (!public_key) return text(400, "CSR refused: " + refusal);
    std::lock_guard lock(renewal_mutex_);
    const auto decision = enrollment_.check_renewal(*device, req.client_certificate, req.peer);
    switch (decision.refusal) {
    case enroll::RenewalRefusal::none: break;
    case enroll::RenewalRefusal::too_soon: return text(429, "renewal refused: " + decision.reason);
    case enroll::RenewalRefusal::too_many: return text(409, "renewal refused: " + decision.reason);
    default: return text(403, "renewal refused: " + decision.reason);
    }
    const auto cert =
        enrollment_.renew(*device, req.client_certificate, public_key.get(), "est:renewal", req.peer);
    admit(cert.get(), *device);
    return certs_reply({cert.get()});
}

} // namespace sekisho::gateway
