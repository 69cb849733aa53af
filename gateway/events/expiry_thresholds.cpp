#include "gateway/events/expiry_thresholds.hpp"

#include "config/values.hpp"

namespace sekisho::gateway {

std::vector<config::Seconds> thresholds_for(const Expiry& item, const std::vector<config::Seconds>& configured) {
    if (item.kind != "crl" || item.since <= 0 || item.at <= item.since) return configured;
    const std::int64_t lifetime = item.at - item.since;
    std::vector<config::Seconds> out;
    for (const auto& t : configured)
        if (t.count() * 2 < lifetime) out.push_back(t);
    if (out.empty()) { // a quarter, in whole hours when it is that long (readable labels: "6h")
        const std::int64_t quarter = lifetime / 4;
        out.push_back(config::Seconds(quarter >= 3600 ? quarter - quarter % 3600 : quarter));
    }
    return out;
}

std::size_t crossed_level(const Expiry& item, const std::vector<config::Seconds>& thresholds, std::int64_t now_s) {
    const std::int64_t left = item.at - now_s;
    if (left <= 0) return thresholds.size() + 1;
    std::size_t level = 0;
    for (const auto& t : thresholds)
        if (left <= t.count()) ++level;
    return level;
}

std::string level_label(const std::vector<config::Seconds>& thresholds, std::size_t level) {
    if (level == 0) return "none";
    if (level > thresholds.size()) return "expired";
    return config::detail::format_duration(thresholds[level - 1]);
}

std::string render_expiry_warnings(const ExpiryReport& report, const std::vector<config::Seconds>& configured,
                                   std::int64_t now_s) {
    std::string out = "# HELP sekisho_expiry_warning 1 once a certificate or CRL is within that threshold of its "
                      "end (alerts.expiry_warnings), else 0.\n# TYPE sekisho_expiry_warning gauge\n";
    for (const auto& item : report.items) {
        const auto thresholds = thresholds_for(item, configured);
        const auto level = crossed_level(item, thresholds, now_s);
        for (std::size_t i = 0; i < thresholds.size(); ++i)
            out += "sekisho_expiry_warning{kind=\"" + item.kind + "\",name=\"" + prometheus_label_value(item.name) +
                   "\",threshold=\"" + config::detail::format_duration(thresholds[i]) + "\"} " + (level > i ? "1" : "0") +
                   "\n";
    }
    return out;
}

} // namespace sekisho::gateway
