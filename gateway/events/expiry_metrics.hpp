// What the gateway depends on that runs out or drifts, read at scrape time: the server
// certificate, the device CAs, the CRLs (nextUpdate) and the system clock's sync state.
// Prometheus text; a file that cannot be read shows as a missing series plus an error count.
#pragma once

#include "codec/clock_sync.hpp"
#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::gateway {

// The clock's sync state (adjtimex), read where the gateway reports it.
using codec::ClockSync;
using codec::read_clock_sync;

// What runs out, and when: certificates (kind server, client_ca, issuing_ca, admin; name =
// the subject) and CRLs (kind crl; name = the file, at = nextUpdate) — every CRL the gateway
// checks or serves: tls.crl, enrollment.ca.crl, admin.tls.crl. Files that cannot be read
// are counted in errors.
struct Expiry {
    std::string kind;
    std::string name;
    std::int64_t at = 0;    // Unix seconds: notAfter, nextUpdate
    std::int64_t since = 0; // Unix seconds: notBefore, thisUpdate (0 when unreadable)
};
struct ExpiryReport {
    std::vector<Expiry> items;
    int errors = 0;
};
ExpiryReport collect_expiries(const config::Config& cfg);

// sekisho_certificate_expiry_seconds{kind,subject}, sekisho_crl_next_update_seconds{file},
// sekisho_expiry_warning{kind,name,threshold} (expiry_thresholds.hpp),
// sekisho_time_synchronized, sekisho_time_max_error_seconds: Unix seconds / 0-1 / seconds.
std::string render_expiry_metrics(const config::Config& cfg);

// A Prometheus label value: backslash, quote and newline escaped.
std::string prometheus_label_value(const std::string& v);

} // namespace sekisho::gateway
