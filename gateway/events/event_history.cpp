#include "gateway/events/event_history.hpp"

#include <algorithm>
#include <map>

namespace sekisho::gateway {
namespace {

// Field values come from clients (typed user names, certificate subjects): cap what we keep.
constexpr std::size_t kMaxValue = 128;

std::string capped(std::string_view v) {
    if (v.size() <= kMaxValue) return std::string(v);
    std::size_t cut = kMaxValue;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut; // not inside a UTF-8 sequence
    return std::string(v.substr(0, cut));
}

std::string_view field(std::span<const LogField> fields, std::string_view name) {
    for (const auto& [k, v] : fields)
        if (k == name) return v;
    return {};
}

std::string_view first_of(std::span<const LogField> fields, std::initializer_list<std::string_view> names) {
    for (auto name : names) {
        const auto v = field(fields, name);
        if (!v.empty() && v != "-") return v;
    }
    return {};
}

bool is_one_of(std::string_view s, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), s) != names.end();
}

// What went wrong, in the words of the event; the key failures are counted under.
std::string failure_reason_key(std::string_view event, std::span<const LogField> fields) {
    std::string key(event);
    if (event == "login.locked" || event == "session.crossover") return key;
    if (event == "login.spraying_blocked") return key + ":" + std::string(field(fields, "scope"));
    const auto reason = field(fields, "reason");
    const auto detail = field(fields, "detail");
    // bad_credentials is all the user is told; the operator needs to know which it was.
    if (event == "login.failed" && reason == "bad_credentials" &&
        is_one_of(detail, {"wrong_password", "unknown_user", "locked", "disabled"}))
        return key + ":" + std::string(detail);
    return key + ":" + capped(reason.empty() ? std::string_view("unknown") : reason);
}

std::string result_of(std::string_view event, std::span<const LogField> fields) {
    if (event == "login.locked") return "failures=" + std::string(field(fields, "failures"));
    if (event == "login.spraying_blocked") return "scope=" + std::string(field(fields, "scope"));
    if (event == "login.succeeded" || event == "login.break_glass") return "ok";
    std::string out = capped(field(fields, "reason"));
    const auto detail = field(fields, "detail");
    // Short machine words only (wrong_password); sentences stay in the log.
    if (!detail.empty() && detail.size() <= 32 && detail.find(' ') == std::string_view::npos)
        out += out.empty() ? std::string(detail) : " (" + std::string(detail) + ")";
    return out;
}

void add_bounded(std::vector<CountedKey>& keys, const std::string& key) {
    if (key.empty()) return;
    for (auto& [k, n] : keys)
        if (k == key) {
            ++n;
            return;
        }
    if (keys.size() < EventHistory::kKeysPerMinute) {
        keys.emplace_back(key, 1);
        return;
    }
    for (auto& [k, n] : keys)
        if (k == EventHistory::kOtherKey) {
            ++n;
            return;
        }
    keys.emplace_back(EventHistory::kOtherKey, 1); // the one slot past the bound
}

std::int64_t unix_minute(std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count();
}

} // namespace

EventHistory::EventHistory(std::size_t recent_capacity, Clock clock)
    : capacity_(std::max<std::size_t>(1, recent_capacity)), clock_(std::move(clock)), minutes_(kMinutes) {}

bool EventHistory::is_failure(std::string_view event) {
    return is_one_of(event, {"handshake.refused", "tls.resumption_refused", "login.failed", "login.refused",
                             "login.locked", "login.spraying_blocked", "session.crossover"});
}

bool EventHistory::is_kept(std::string_view event) {
    return is_failure(event) ||
           is_one_of(event, {"login.succeeded", "login.break_glass", "session.ended", "access.denied",
                             "break_glass.access", "device.disconnected", "password.changed",
                             "password.change_refused"});
}

void EventHistory::record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) {
    // The hot path: almost every call is a "request" and ends here.
    if (!is_kept(event)) return;
    HistoryEvent e;
    e.at = clock_();
    e.level = level;
    e.event = std::string(event);
    e.failure = is_failure(event);
    e.user = capped(first_of(fields, {"user"}));
    e.terminal = capped(first_of(fields, {"device", "presented_by", "subject"}));
    e.facility = capped(first_of(fields, {"facility", "terminal_facility"}));
    e.peer = capped(first_of(fields, {"peer"}));
    e.result = result_of(event, fields);
    const std::string reason = e.failure ? failure_reason_key(event, fields) : std::string();

    std::lock_guard lock(mutex_);
    if (e.failure) {
        auto& slot = minutes_[static_cast<std::size_t>(unix_minute(e.at)) % kMinutes];
        if (slot.index != unix_minute(e.at)) slot = Minute{unix_minute(e.at), 0, {}};
        ++slot.total;
        add_bounded(slot.by[static_cast<std::size_t>(FailureDimension::reason)], reason);
        add_bounded(slot.by[static_cast<std::size_t>(FailureDimension::facility)], e.facility);
        add_bounded(slot.by[static_cast<std::size_t>(FailureDimension::terminal)], e.terminal);
        add_bounded(slot.by[static_cast<std::size_t>(FailureDimension::user)], e.user);
    }
    recent_.push_back(std::move(e));
    if (recent_.size() > capacity_) recent_.pop_front();
}

std::vector<HistoryEvent> EventHistory::recent(std::size_t limit) const {
    std::lock_guard lock(mutex_);
    const auto n = std::min(limit, recent_.size());
    return std::vector<HistoryEvent>(recent_.rbegin(), recent_.rbegin() + static_cast<std::ptrdiff_t>(n));
}

FailureSummary EventHistory::failures(std::chrono::minutes window, std::chrono::minutes bucket_width) const {
    const std::int64_t width = std::max<std::int64_t>(1, bucket_width.count());
    const std::int64_t span = std::clamp<std::int64_t>(window.count(), 1, kMinutes);
    const std::int64_t buckets = (span + width - 1) / width;
    const std::int64_t last = unix_minute(clock_());
    const std::int64_t first = last - buckets * width + 1;

    FailureSummary out;
    out.bucket_width = std::chrono::minutes(width);
    out.first_bucket = std::chrono::system_clock::time_point(std::chrono::minutes(first));
    out.buckets.assign(static_cast<std::size_t>(buckets), 0);
    std::array<std::map<std::string, std::uint64_t>, kFailureDimensions> merged;
    {
        std::lock_guard lock(mutex_);
        // Older than 24 h is gone from the ring whatever the window asked for.
        for (std::int64_t m = std::max<std::int64_t>(first, last - kMinutes + 1); m <= last; ++m) {
            const auto& slot = minutes_[static_cast<std::size_t>(m) % kMinutes];
            if (slot.index != m) continue;
            out.buckets[static_cast<std::size_t>((m - first) / width)] += slot.total;
            out.total += slot.total;
            for (std::size_t d = 0; d < kFailureDimensions; ++d)
                for (const auto& [k, n] : slot.by[d]) merged[d][k] += n;
        }
    }
    for (std::size_t d = 0; d < kFailureDimensions; ++d) {
        out.by[d].assign(merged[d].begin(), merged[d].end());
        std::stable_sort(out.by[d].begin(), out.by[d].end(),
                         [](const CountedKey& a, const CountedKey& b) { return a.second > b.second; });
    }
    return out;
}

} // namespace sekisho::gateway
