// Refusals that anyone can cause without a credential — a handshake without a valid
// certificate, a wrong enrollment code, a malformed request to the enrollment listener —
// reach the log and the audit trail at most once per source address and kind per window
// (a minute), so a flood from one address leaves evidence, not a full disk (issue 12, item
// 12). The first refusal of a window is always written; the ones held back are counted and
// reported with the next one written (field "repeated"), or by report_ended() when the
// window closes quietly. Metrics still count every refusal.
//
// Sources beyond max_sources share one "*" entry, so spraying addresses does not grow the
// table either. Thread-safe: refusals are the cold path, a mutex is enough.
#pragma once

#include "gateway/events/log.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sekisho::gateway {

class RefusalRecords {
public:
    using Clock = std::chrono::steady_clock;

    explicit RefusalRecords(Clock::duration window = std::chrono::minutes(1), std::size_t max_sources = 4096);

    // Whether this refusal is written now. When it is, *held_back receives how many refusals
    // of the same kind and source were not written since the last one that was.
    bool should_write(std::string_view kind, std::string_view source, Clock::time_point now,
                      std::uint64_t* held_back);

    // Windows that ended with refusals held back: report(kind, source, count) once each.
    void report_ended(Clock::time_point now,
                      const std::function<void(std::string_view, std::string_view, std::uint64_t)>& report);

    std::size_t tracked() const;
    void set_window(Clock::duration window); // log.refusal_interval, at start and reload

private:
    struct Window {
        Clock::time_point started;
        std::uint64_t held_back = 0;
    };
    Clock::duration window_;
    const std::size_t max_sources_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_; // kind '\n' source
};

// The process's one: the listeners and the enrollment service share it.
RefusalRecords& refusal_records();

// "203.0.113.7:51234" or "[2001:db8::1]:443" → the address alone (a new port per attempt
// must not make a new source).
std::string_view source_address(std::string_view peer);

// Logs a refusal event through refusal_records(): written with "repeated=N" when refusals
// were held back before it, or not at all inside its source's window. An empty kind is
// always written (a refusal that must never be folded away).
void log_refusal_fields(spdlog::level::level_enum level, std::string_view event, std::string_view kind,
                        std::string_view peer, std::span<const LogField> fields);
inline void log_refusal(spdlog::level::level_enum level, std::string_view event, std::string_view kind,
                        std::string_view peer, std::initializer_list<LogField> fields) {
    log_refusal_fields(level, event, kind, peer, std::span<const LogField>(fields.begin(), fields.size()));
}

// Writes "refusals.held_back" for every window that ended with refusals held back.
void report_held_back_refusals();

} // namespace sekisho::gateway
