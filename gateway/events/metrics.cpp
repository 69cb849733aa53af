#include "gateway/events/metrics.hpp"

namespace sekisho::gateway {

Metrics::RouteCounters& Metrics::route(std::string_view name) {
    {
        std::shared_lock lock(routes_mutex_);
        if (auto it = routes_.find(name); it != routes_.end()) return *it->second;
    }
    std::unique_lock lock(routes_mutex_);
    auto [it, inserted] = routes_.try_emplace(std::string(name), nullptr);
    if (inserted) it->second = std::make_unique<RouteCounters>();
    return *it->second;
}

void Metrics::route_response(std::string_view name, unsigned status, double seconds) {
    auto& r = route(name);
    if (status / 100 < r.by_class.size()) r.by_class[status / 100]++;
    std::size_t bucket = 0;
    while (bucket < kLatencyBuckets.size() && seconds > kLatencyBuckets[bucket]) ++bucket;
    r.buckets[bucket]++;
    r.sum_micros += static_cast<std::uint64_t>(seconds * 1e6);
}

void Metrics::render_routes(std::string& out) const {
    std::shared_lock lock(routes_mutex_);
    out += "# HELP sekisho_route_responses_total Responses relayed per route by status class.\n"
           "# TYPE sekisho_route_responses_total counter\n";
    for (const auto& [name, r] : routes_)
        for (std::size_t c = 1; c < r->by_class.size(); ++c)
            out += "sekisho_route_responses_total{route=\"" + name + "\",code=\"" + std::to_string(c) + "xx\"} " +
                   std::to_string(r->by_class[c].load()) + "\n";
    out += "# HELP sekisho_request_duration_seconds Time from request to relayed response, per route.\n"
           "# TYPE sekisho_request_duration_seconds histogram\n";
    for (const auto& [name, r] : routes_) {
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < r->buckets.size(); ++b) {
            cumulative += r->buckets[b].load();
            const std::string le = b < kLatencyBuckets.size() ? std::to_string(kLatencyBuckets[b]) : "+Inf";
            out += "sekisho_request_duration_seconds_bucket{route=\"" + name + "\",le=\"" + le + "\"} " +
                   std::to_string(cumulative) + "\n";
        }
        out += "sekisho_request_duration_seconds_sum{route=\"" + name + "\"} " +
               std::to_string(static_cast<double>(r->sum_micros.load()) / 1e6) + "\n";
        out += "sekisho_request_duration_seconds_count{route=\"" + name + "\"} " + std::to_string(cumulative) + "\n";
    }
}

void Metrics::response_sent(unsigned status) {
    auto cls = status / 100;
    if (cls < responses_by_class_.size()) responses_by_class_[cls]++;
}

std::string Metrics::render_prometheus() const {
    std::string out;
    auto line = [&](std::string_view name, std::string_view labels, auto value) {
        out += name;
        if (!labels.empty()) {
            out += '{';
            out += labels;
            out += '}';
        }
        out += ' ';
        out += std::to_string(value);
        out += '\n';
    };
    auto label = [](std::string_view k, std::string_view v) {
        return std::string(k) + "=\"" + std::string(v) + "\"";
    };

    out += "# HELP sekisho_tls_handshakes_total Completed TLS handshakes on the main listener.\n"
           "# TYPE sekisho_tls_handshakes_total counter\n";
    line("sekisho_tls_handshakes_total", label("resumed", "false"), full_.load());
    line("sekisho_tls_handshakes_total", label("resumed", "true"), resumed_.load());

    out += "# HELP sekisho_tls_handshakes_refused_total Refused TLS handshakes by reason.\n"
           "# TYPE sekisho_tls_handshakes_refused_total counter\n";
    for (std::size_t i = 0; i < refused_.size(); ++i)
        line("sekisho_tls_handshakes_refused_total",
             label("reason", to_string(static_cast<HandshakeRefusal>(i))), refused_[i].load());

    out += "# HELP sekisho_requests_rejected_total Requests the gateway answered with a 4xx itself.\n"
           "# TYPE sekisho_requests_rejected_total counter\n";
    for (std::size_t i = 0; i < rejected_.size(); ++i)
        line("sekisho_requests_rejected_total",
             label("reason", to_string(static_cast<RequestRejection>(i))), rejected_[i].load());

    out += "# HELP sekisho_responses_total Responses sent to clients by status class.\n"
           "# TYPE sekisho_responses_total counter\n";
    for (std::size_t c = 1; c < responses_by_class_.size(); ++c)
        line("sekisho_responses_total", label("code", std::to_string(c) + "xx"),
             responses_by_class_[c].load());

    out += "# HELP sekisho_logins_total Login attempts by outcome.\n"
           "# TYPE sekisho_logins_total counter\n";
    line("sekisho_logins_total", label("outcome", "succeeded"), logins_succeeded_.load());
    for (std::size_t i = 0; i < logins_refused_.size(); ++i)
        line("sekisho_logins_total", label("outcome", to_string(static_cast<LoginRefusal>(i))),
             logins_refused_[i].load());
    out += "# HELP sekisho_lockouts_total Accounts locked after repeated failed logins.\n"
           "# TYPE sekisho_lockouts_total counter\n";
    line("sekisho_lockouts_total", "", lockouts_.load());
    out += "# HELP sekisho_sessions_active Live login sessions (refreshed every few seconds).\n"
           "# TYPE sekisho_sessions_active gauge\n";
    line("sekisho_sessions_active", "", sessions_active_.load());
    out += "# HELP sekisho_session_store_up Whether the session store answered its last call (0: Redis "
           "unreachable; session routes answer 503, logins are refused).\n"
           "# TYPE sekisho_session_store_up gauge\n";
    line("sekisho_session_store_up", "", session_store_up_.load());
    out += "# HELP sekisho_last_seen_flushes_total Batches of devices' last-seen times written to the registry "
           "(failed: kept for the next flush when the registry was unavailable).\n"
           "# TYPE sekisho_last_seen_flushes_total counter\n";
    line("sekisho_last_seen_flushes_total", label("result", "ok"), last_seen_flushes_ok_.load());
    line("sekisho_last_seen_flushes_total", label("result", "failed"), last_seen_flushes_failed_.load());
    out += "# HELP sekisho_accounts_disabled_unused_total Accounts disabled by auth.disable_unused_after.\n"
           "# TYPE sekisho_accounts_disabled_unused_total counter\n";
    line("sekisho_accounts_disabled_unused_total", "", accounts_disabled_unused_.load());
    render_routes(out);

    out += "# TYPE sekisho_upstream_failures_total counter\n";
    line("sekisho_upstream_failures_total", label("kind", "error"), upstream_errors_.load());
    line("sekisho_upstream_failures_total", label("kind", "timeout"), upstream_timeouts_.load());

    out += "# TYPE sekisho_config_reloads_total counter\n";
    line("sekisho_config_reloads_total", label("result", "ok"), reloads_ok_.load());
    line("sekisho_config_reloads_total", label("result", "failed"), reloads_failed_.load());

    out += "# TYPE sekisho_open_connections gauge\n";
    line("sekisho_open_connections", "", open_connections_.load());
    return out;
}

} // namespace sekisho::gateway
