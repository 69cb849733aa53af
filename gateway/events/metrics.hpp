// Process-wide counters, exported in the Prometheus text format on the admin listener.
#pragma once

#include "gateway/events/refusals.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace sekisho::gateway {

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
    void login(std::optional<LoginRefusal> refusal) { // nullopt: succeeded
        (refusal ? logins_refused_[idx(*refusal)] : logins_succeeded_)++;
    }
    void lockout() { lockouts_++; }
    void sessions_active(std::int64_t n) { sessions_active_ = n; }
    // 1 while the session store answers (always, in memory), 0 while it cannot (Redis).
    void session_store_up(bool up) { session_store_up_ = up ? 1 : 0; }
    // A response relayed for a route, with the time from the request's arrival.
    void route_response(std::string_view route, unsigned status, double seconds);
    // The periodic review (issue 16): a batch of last-seen times written (or refused), and an
    // account the unused-account policy disabled.
    void last_seen_flush(bool ok) { (ok ? last_seen_flushes_ok_ : last_seen_flushes_failed_)++; }
    void account_disabled_unused() { accounts_disabled_unused_++; }

    std::string render_prometheus() const;

private:
    template <typename E>
    static constexpr std::size_t idx(E e) { return static_cast<std::size_t>(e); }

    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(HandshakeRefusal::count_)> refused_{};
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(RequestRejection::count_)> rejected_{};
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(LoginRefusal::count_)> logins_refused_{};
    std::atomic<std::uint64_t> logins_succeeded_{0};
    std::array<std::atomic<std::uint64_t>, 6> responses_by_class_{}; // index = status / 100
    std::atomic<std::uint64_t> full_{0}, resumed_{0};
    std::atomic<std::uint64_t> upstream_errors_{0}, upstream_timeouts_{0};
    std::atomic<std::uint64_t> reloads_ok_{0}, reloads_failed_{0};
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> lockouts_{0};
    std::atomic<std::int64_t> sessions_active_{0};
    std::atomic<std::int64_t> session_store_up_{1};
    std::atomic<std::uint64_t> last_seen_flushes_ok_{0}, last_seen_flushes_failed_{0};
    std::atomic<std::uint64_t> accounts_disabled_unused_{0};

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
