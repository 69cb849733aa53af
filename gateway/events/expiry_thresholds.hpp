// Which of alerts.expiry_warnings apply to a certificate or CRL, and how many of them it has
// crossed: the one rule behind the expiry.warning metric and the certificate.expiring /
// crl.expiring events (HealthWatch), so that the two never disagree.
//
// Certificates get every threshold. A CRL gets those shorter than half its lifetime
// (nextUpdate − thisUpdate): a CRL is re-issued at half its life, so an earlier warning
// would fire for every healthy one (the issuing CA's CRL, which the gateway renews daily,
// would always be "within 7 days"). When none is that short, a quarter of its lifetime is its
// one threshold (in whole hours): reached only when renewal has stopped.
#pragma once

#include "config/config.hpp"
#include "gateway/events/expiry_metrics.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sekisho::gateway {

// Descending, as configured (alerts.expiry_warnings is sorted).
std::vector<config::Seconds> thresholds_for(const Expiry& item, const std::vector<config::Seconds>& configured);

// How deep item is into its thresholds at now_s (Unix seconds): 0 = none crossed, k = the
// first k crossed (the k-th is the tightest), thresholds.size() + 1 = already ended.
std::size_t crossed_level(const Expiry& item, const std::vector<config::Seconds>& thresholds, std::int64_t now_s);

// "30d", "7d", "6h"; "expired" for the level past the last threshold.
std::string level_label(const std::vector<config::Seconds>& thresholds, std::size_t level);

// sekisho_expiry_warning{kind,name,threshold}: 1 once the item is within that threshold of its
// end, else 0 — one series per item and applicable threshold.
std::string render_expiry_warnings(const ExpiryReport& report, const std::vector<config::Seconds>& configured,
                                   std::int64_t now_s);

} // namespace sekisho::gateway
