#include "gateway/expiry_metrics.hpp"

#include "pki/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/x509.h>
#include <sys/timex.h>

#include <ctime>

namespace sekisho::gateway {

namespace {

std::optional<std::int64_t> unix_time(const ASN1_TIME* t) {
    if (!t) return std::nullopt;
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm));
}

// A Prometheus label value: backslash, quote and newline escaped.
std::string label_value(const std::string& v) {
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

void certificates(std::string& out, const std::string& kind, const std::string& path, int& errors) {
    if (path.empty()) return;
    try {
        for (const auto& cert : pki::load_certificates(path)) {
            if (auto t = unix_time(X509_get0_notAfter(cert.get())))
                out += "sekisho_certificate_expiry_seconds{kind=\"" + kind + "\",subject=\"" +
                       label_value(pki::subject_of(cert.get())) + "\"} " + std::to_string(*t) + "\n";
        }
    } catch (const std::exception&) {
        ++errors;
    }
}

} // namespace

ClockSync read_clock_sync() {
    timex tx{};
    const int state = ::adjtimex(&tx);
    ClockSync sync;
    sync.max_error_seconds = static_cast<double>(tx.maxerror) / 1e6;
    sync.estimated_error_seconds = static_cast<double>(tx.esterror) / 1e6;
    sync.synchronized = state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC) && tx.maxerror < 16'000'000;
    return sync;
}

std::string render_expiry_metrics(const config::Config& cfg) {
    std::string out = "# HELP sekisho_certificate_expiry_seconds notAfter of the server certificate chain and the "
                      "device CAs (Unix time).\n# TYPE sekisho_certificate_expiry_seconds gauge\n";
    int errors = 0;
    certificates(out, "server", cfg.tls.certificate, errors);
    certificates(out, "client_ca", cfg.tls.client_ca, errors);
    certificates(out, "issuing_ca", cfg.enrollment.ca.certificate, errors);
    out += "# HELP sekisho_crl_next_update_seconds nextUpdate of each CRL in tls.crl (Unix time).\n"
           "# TYPE sekisho_crl_next_update_seconds gauge\n";
    for (const auto& file : cfg.tls.crl) {
        try {
            for (const auto& crl : pki::load_crls(file))
                if (auto t = unix_time(X509_CRL_get0_nextUpdate(crl.get())))
                    out += "sekisho_crl_next_update_seconds{file=\"" + label_value(file) + "\"} " + std::to_string(*t) +
                           "\n";
        } catch (const std::exception&) {
            ++errors;
        }
    }
    out += "# TYPE sekisho_expiry_read_errors gauge\nsekisho_expiry_read_errors " + std::to_string(errors) + "\n";
    const auto sync = read_clock_sync();
    out += "# HELP sekisho_time_synchronized 1 when the kernel reports the clock synchronised (adjtimex).\n"
           "# TYPE sekisho_time_synchronized gauge\nsekisho_time_synchronized " +
           std::string(sync.synchronized ? "1" : "0") + "\n# TYPE sekisho_time_max_error_seconds gauge\n" +
           "sekisho_time_max_error_seconds " + std::to_string(sync.max_error_seconds) + "\n";
    return out;
}

} // namespace sekisho::gateway
