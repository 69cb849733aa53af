#include "gateway/events/refusal_records.hpp"

#include <vector>

namespace sekisho::gateway {

RefusalRecords::RefusalRecords(Clock::duration window, std::size_t max_sources)
    : window_(window), max_sources_(max_sources) {}

bool RefusalRecords::should_write(std::string_view kind, std::string_view source, Clock::time_point now,
                                  std::uint64_t* held_back) {
    std::string key;
    key.reserve(kind.size() + 1 + source.size());
    key.append(kind).append(1, '\n').append(source);
    std::lock_guard lock(mutex_);
    auto it = windows_.find(key);
    if (it == windows_.end()) {
        if (windows_.size() >= max_sources_) { // spraying addresses: they share one entry
            key.resize(kind.size() + 1);
            key.append("*");
            it = windows_.find(key);
        }
        if (it == windows_.end()) {
            windows_.emplace(std::move(key), Window{now, 0});
            *held_back = 0;
            return true;
        }
    }
    auto& w = it->second;
    if (now - w.started < window_) {
        ++w.held_back;
        return false;
    }
    *held_back = std::exchange(w.held_back, 0);
    w.started = now;
    return true;
}

void RefusalRecords::report_ended(Clock::time_point now,
                                  const std::function<void(std::string_view, std::string_view, std::uint64_t)>& report) {
    std::vector<std::pair<std::string, std::uint64_t>> ended;
    {
        std::lock_guard lock(mutex_);
        for (auto it = windows_.begin(); it != windows_.end();) {
            if (now - it->second.started < window_) {
                ++it;
                continue;
            }
            if (it->second.held_back > 0) ended.emplace_back(it->first, it->second.held_back);
            it = windows_.erase(it); // a quiet source is forgotten: the table stays small
        }
    }
    for (const auto& [key, count] : ended) { // outside the lock: report may log a refusal
        const auto cut = key.find('\n');
        report(std::string_view(key).substr(0, cut), std::string_view(key).substr(cut + 1), count);
    }
}

void RefusalRecords::set_window(Clock::duration window) {
    std::lock_guard lock(mutex_);
    window_ = window;
}

std::size_t RefusalRecords::tracked() const {
    std::lock_guard lock(mutex_);
    return windows_.size();
}

RefusalRecords& refusal_records() {
    static RefusalRecords records;
    return records;
}

std::string_view source_address(std::string_view peer) {
    if (peer.starts_with('[')) { // [v6]:port
        const auto end = peer.find(']');
        return end == std::string_view::npos ? peer : peer.substr(1, end - 1);
    }
    const auto colon = peer.rfind(':');
    if (colon == std::string_view::npos || peer.find(':') != colon) return peer; // no port, or bare v6
    return peer.substr(0, colon);
}

void log_refusal_fields(spdlog::level::level_enum level, std::string_view event, std::string_view kind,
                        std::string_view peer, std::span<const LogField> fields) {
    std::uint64_t held_back = 0;
    if (!kind.empty() &&
        !refusal_records().should_write(kind, source_address(peer), RefusalRecords::Clock::now(), &held_back))
        return;
    std::vector<LogField> all(fields.begin(), fields.end());
    const std::string repeated = std::to_string(held_back);
    if (held_back > 0) all.emplace_back("repeated", repeated);
    log_event_fields(level, event, all);
}

void report_held_back_refusals() {
    refusal_records().report_ended(RefusalRecords::Clock::now(),
                                   [](std::string_view kind, std::string_view source, std::uint64_t count) {
                                       const std::string n = std::to_string(count);
                                       log_event(spdlog::level::warn, "refusals.held_back",
                                                 {{"kind", kind}, {"source", source}, {"count", n},
                                                  {"detail", "refusals of one source written once per minute"}});
                                   });
}

} // namespace sekisho::gateway
