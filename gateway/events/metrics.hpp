// Process-wide counters, exported in the Prometheus text format on the admin listener.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace sekisho::gateway {

// Why a TLS handshake on the main listener was refused.
enum class HandshakeRefusal {
    no_certificate,
    unknown_ca,
    expired,
    revoked,
    wrong_key_usage,
    not_registered,  // chains to the device CA but is no active device of the registry
    crl_unavailable, // no usable CRL for a CA in the chain (missing, expired, bad signature)
    protocol,
    cipher,
    no_extended_master_secret, // TLS 1.2 without RFC 7627 (tls12-high-security profile)
    other,
    count_
};
std::string_view to_string(HandshakeRefusal r);

// Why a request was answered by the gateway itself with a 4xx before any upstream saw it.
enum class RequestRejection {
    bad_framing,      // CL+TE, duplicate/invalid Content-Length, bad chunk, unsupported TE
    obs_fold,
    bad_request,      // anything else malformed
    method_not_allowed,
    foreign_target,   // absolute-form target for another host
    header_too_large,
    body_too_large,
    misdirected,      // Host unknown or not equal to the TLS SNI
    no_route,
    upgrade_refused,
    timeout,
    login_required,   // a login route without a live session (401 or a redirect to the login page)
    session_crossover, // a session cookie on a terminal it was not issued to
    forbidden,        // a session without the route's roles or facility
    count_
};
std::string_view to_string(RequestRejection r);

// Logins by outcome: "succeeded" or why it was refused (auth::LoginRefusal).
enum class LoginOutcome {
    succeeded,
    bad_credentials,
    too_many_attempts,
    session_limit,
    facility,
    outside_hours,
    break_glass_off,
    unavailable,
    count_
};
std::string_view to_string(LoginOutcome o);

class Metrics {
public:
    void handshake_refused(HandshakeRefusal r) { refused_[idx(r)]++; }
    void handshake_completed(bool resumed) { (resumed ? resumed_ : full_)++; }
    void request_rejected(RequestRejection r) { rejected_[idx(r)]++; }
    void response_sent(unsigned status);
    void upstream_failure(bool timeout) { (timeout ? upstream_timeouts_ : upstream_errors_)++; }
    void config_reload(bool ok) { (ok ? reloads_ok_ : reloads_failed_)++; }
    void connection_opened() { open_connections_++; }
    void connection_closed() { open_connections_--; }
    void login(LoginOutcome o) { logins_[idx(o)]++; }
    void lockout() { lockouts_++; }
    void sessions_active(std::int64_t n) { sessions_active_ = n; }
    // A response relayed for a route, with the time from the request's arrival.
    void route_response(std::string_view route, unsigned status, double seconds);

    std::string render_prometheus() const;

private:
    template <typename E>
    static constexpr std::size_t idx(E e) { return static_cast<std::size_t>(e); }

    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(HandshakeRefusal::count_)> refused_{};
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(RequestRejection::count_)> rejected_{};
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(LoginOutcome::count_)> logins_{};
    std::array<std::atomic<std::uint64_t>, 6> responses_by_class_{}; // index = status / 100
    std::atomic<std::uint64_t> full_{0}, resumed_{0};
    std::atomic<std::uint64_t> upstream_errors_{0}, upstream_timeouts_{0};
    std::atomic<std::uint64_t> reloads_ok_{0}, reloads_failed_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> lockouts_{0};
    std::atomic<std::int64_t> sessions_active_{0};

    static constexpr std::array<double, 11> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1,    2.5,   5,    10};
    struct RouteCounters {
        std::array<std::atomic<std::uint64_t>, 6> by_class{};                        // status / 100
        std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> buckets{}; // last = +Inf
        std::atomic<std::uint64_t> sum_micros{0};
    };
    RouteCounters& route(std::string_view name);
    void render_routes(std::string& out) const;
    mutable std::shared_mutex routes_mutex_;
    std::map<std::string, std::unique_ptr<RouteCounters>, std::less<>> routes_;
};

} // namespace sekisho::gateway
