// The gateway's short memory of authentication, for the operations dashboard: the most
// recent authentication-relevant events and, for the last 24 hours, failures per minute
// broken down by reason, facility, terminal and user. In memory only (the audit trail is
// the record); lost on restart.
//
// Authentication failures, counted under the reason key "<event>:<reason>":
//   handshake.refused      a terminal refused at TLS (reason: expired, revoked, not_registered, ...)
//   tls.resumption_refused a resumed session whose certificate no longer passes
//   login.failed           a refused login (key uses the detail for bad_credentials:
//                          wrong_password, unknown_user, locked, disabled; else the reason:
//                          facility, outside_hours, break_glass_off, session_limit, ...)
//   login.refused          logins paused for a terminal or address (too_many_attempts)
//   login.locked           an account locked after repeated failures (key "login.locked")
//   login.spraying_blocked a terminal or address blocked for password spraying (scope)
//   session.crossover      a session cookie presented by another terminal
// Also kept as recent events, but not counted: successful and break-glass logins, ended
// sessions, access denied by facility or role, break-glass access, devices disconnected,
// password changes. Everything else is ignored after one look at the event name: one
// "request" per proxied request, request.rejected (malformed HTTP, not authentication;
// a cross-over is counted through session.crossover), configuration and lifecycle events.
#pragma once

#include "gateway/events/log.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::gateway {

struct HistoryEvent {
    std::chrono::system_clock::time_point at;
    spdlog::level::level_enum level = spdlog::level::info;
    std::string event;
    bool failure = false;
    std::string user, terminal, facility, peer; // "" when the event does not say
    std::string result;                         // reason (and detail) of the event
};

enum class FailureDimension { reason, facility, terminal, user };
inline constexpr std::size_t kFailureDimensions = 4;

using CountedKey = std::pair<std::string, std::uint64_t>;

struct FailureSummary {
    std::chrono::system_clock::time_point first_bucket; // start of buckets[0]
    std::chrono::minutes bucket_width{1};
    std::vector<std::uint64_t> buckets; // oldest first; the last one holds now
    std::uint64_t total = 0;
    // Per dimension: keys by count, highest first (ties by key). Keys that did not fit a
    // minute's bound are counted under kOtherKey.
    std::array<std::vector<CountedKey>, kFailureDimensions> by;
    const std::vector<CountedKey>& of(FailureDimension d) const { return by[static_cast<std::size_t>(d)]; }
};

class EventHistory final : public EventSink {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    static constexpr std::size_t kMinutes = 24 * 60;
    static constexpr std::size_t kKeysPerMinute = 16; // per dimension; bounds memory under attack
    static constexpr const char* kOtherKey = "(other)";

    explicit EventHistory(std::size_t recent_capacity = 100, Clock clock = std::chrono::system_clock::now);

    // Any thread; returns at once for events the dashboard does not show.
    void record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) override;

    // Newest first, at most limit.
    std::vector<HistoryEvent> recent(std::size_t limit) const;

    // The failures of the last `window` (at most 24 h) in buckets of `bucket_width`
    // minutes, the last bucket ending with the current minute.
    FailureSummary failures(std::chrono::minutes window, std::chrono::minutes bucket_width) const;

    std::chrono::system_clock::time_point now() const { return clock_(); }

    // Which events are kept (and which of them counted as failures): see the list above.
    static bool is_kept(std::string_view event);
    static bool is_failure(std::string_view event);

private:
    struct Minute {
        std::int64_t index = -1; // Unix minute this slot holds; -1 = empty
        std::uint64_t total = 0;
        std::array<std::vector<CountedKey>, kFailureDimensions> by;
    };
    void count_failure(const HistoryEvent& e);

    const std::size_t capacity_;
    const Clock clock_;
    mutable std::mutex mutex_;
    std::deque<HistoryEvent> recent_;  // newest at the back
    std::vector<Minute> minutes_;      // ring of kMinutes, slot = Unix minute % kMinutes
};

} // namespace sekisho::gateway
