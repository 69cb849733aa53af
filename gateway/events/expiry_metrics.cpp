#include "gateway/events/expiry_metrics.hpp"

#include "gateway/events/expiry_thresholds.hpp"
#include "pki/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace sekisho::gateway {

std::string prometheus_label_value(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

namespace {

std::int64_t unix_or_zero(const ASN1_TIME* t) {
    return t ? pki::unix_seconds(t).value_or(0) : 0;
}

void certificates(ExpiryReport& report, const std::string& kind, const std::string& path) {
    if (path.empty()) return;
    try {
        for (const auto& cert : pki::load_certificates(path))
            if (auto t = pki::unix_seconds(X509_get0_notAfter(cert.get())))
                report.items.push_back({kind, pki::subject_of(cert.get()), *t, unix_or_zero(X509_get0_notBefore(cert.get()))});
    } catch (const std::exception&) {
        ++report.errors;
    }
}

// Each file once, in the order found: tls.crl, then the issuing CA's (often also in tls.crl),
// then the admin listener's.
std::vector<std::string> crl_files(const config::Config& cfg) {
    std::vector<std::string> files;
    auto add = [&](const std::string& file) {
        if (!file.empty() && std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    };
    for (const auto& file : cfg.tls.crl) add(file);
    add(cfg.enrollment.ca.crl);
    if (cfg.admin.tls)
        for (const auto& file : cfg.admin.tls->crl) add(file);
    return files;
}

void crls(ExpiryReport& report, const std::string& file) {
    try {
        for (const auto& crl : pki::load_crls(file))
            if (auto t = pki::unix_seconds(X509_CRL_get0_nextUpdate(crl.get())))
                report.items.push_back({"crl", file, *t, unix_or_zero(X509_CRL_get0_lastUpdate(crl.get()))});
    } catch (const std::exception&) {
        ++report.errors;
    }
}

} // namespace

ExpiryReport collect_expiries(const config::Config& cfg) {
    ExpiryReport report;
    certificates(report, "server", cfg.tls.certificate);
    certificates(report, "client_ca", cfg.tls.client_ca);
    certificates(report, "issuing_ca", cfg.enrollment.ca.certificate);
    for (const auto& previous : cfg.enrollment.previous_cas) certificates(report, "issuing_ca", previous.certificate);
    if (cfg.admin.tls) certificates(report, "admin", cfg.admin.tls->certificate);
    for (const auto& file : crl_files(cfg)) crls(report, file);
    return report;
}

std::string render_expiry_metrics(const config::Config& cfg) {
    const auto report = collect_expiries(cfg);
    std::string out = "# HELP sekisho_certificate_expiry_seconds notAfter of the server certificate chain and the "
                      "device CAs (Unix time).\n# TYPE sekisho_certificate_expiry_seconds gauge\n";
    for (const auto& e : report.items)
        if (e.kind != "crl")
            out += "sekisho_certificate_expiry_seconds{kind=\"" + e.kind + "\",subject=\"" + prometheus_label_value(e.name) +
                   "\"} " + std::to_string(e.at) + "\n";
    out += "# HELP sekisho_crl_next_update_seconds nextUpdate of each CRL the gateway checks or serves (Unix time).\n"
           "# TYPE sekisho_crl_next_update_seconds gauge\n";
    for (const auto& e : report.items)
        if (e.kind == "crl")
            out += "sekisho_crl_next_update_seconds{file=\"" + prometheus_label_value(e.name) + "\"} " + std::to_string(e.at) + "\n";
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    out += render_expiry_warnings(report, cfg.alerts.expiry_warnings, now);
    out += "# TYPE sekisho_expiry_read_errors gauge\nsekisho_expiry_read_errors " + std::to_string(report.errors) + "\n";
    const auto sync = read_clock_sync();
    out += "# HELP sekisho_time_synchronized 1 when the kernel reports the clock synchronised (adjtimex).\n"
           "# TYPE sekisho_time_synchronized gauge\nsekisho_time_synchronized " +
           std::string(sync.synchronized ? "1" : "0") + "\n# TYPE sekisho_time_max_error_seconds gauge\n" +
           "sekisho_time_max_error_seconds " + std::to_string(sync.max_error_seconds) + "\n";
    return out;
}

} // namespace sekisho::gateway
