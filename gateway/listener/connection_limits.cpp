#include "gateway/listener/connection_limits.hpp"

#include "gateway/events/refusal_records.hpp"

namespace sekisho::gateway {

ConnectionLimits::Slot::Slot(Slot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), source_(std::move(other.source_)) {}

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
    if (this != &other) {
        if (limits_) limits_->release(source_);
        limits_ = std::exchange(other.limits_, nullptr);
        source_ = std::move(other.source_);
    }
    return *this;
}

ConnectionLimits::Slot::~Slot() {
    if (limits_) limits_->release(source_);
}

ConnectionLimits::ConnectionLimits(std::string listener, std::size_t max_total, std::size_t max_per_source)
    : listener_(std::move(listener)), max_total_(max_total), max_per_source_(max_per_source) {}

void ConnectionLimits::configure(std::size_t max_total, std::size_t max_per_source) {
    max_total_ = max_total;
    max_per_source_ = max_per_source;
}

ConnectionLimits::Slot ConnectionLimits::admit(std::string_view source, Refusal* why) {
    Refusal refusal = Refusal::none;
    {
        std::lock_guard lock(mutex_);
        if (total_.load() >= max_total_.load()) {
            refusal = Refusal::listener_full;
        } else {
            auto& n = per_source_[std::string(source)];
            if (n >= max_per_source_.load()) {
                refusal = Refusal::source_full;
                if (n == 0) per_source_.erase(std::string(source));
            } else {
                ++n;
                ++total_;
            }
        }
    }
    if (why) *why = refusal;
    if (refusal == Refusal::none) return Slot(this, std::string(source));
    return refuse(refusal, source);
}

ConnectionLimits::Slot ConnectionLimits::admit_unattributed(std::string_view via) {
    {
        std::lock_guard lock(mutex_);
        if (total_.load() < max_total_.load()) {
            ++total_;
            return Slot(this, std::string()); // no source yet: release() leaves per_source_ alone
        }
    }
    return refuse(Refusal::listener_full, via);
}

bool ConnectionLimits::attribute(Slot& slot, std::string_view source) {
    {
        std::lock_guard lock(mutex_);
        auto& n = per_source_[std::string(source)];
        if (n < max_per_source_.load()) {
            ++n;
            slot.source_ = std::string(source);
            return true;
        }
        if (n == 0) per_source_.erase(std::string(source));
    }
    slot = Slot();
    refuse(Refusal::source_full, source);
    return false;
}

ConnectionLimits::Slot ConnectionLimits::refuse(Refusal refusal, std::string_view source) {
    const bool listener_full = refusal == Refusal::listener_full;
    (listener_full ? listener_full_ : source_full_)++;
    const std::string limit = std::to_string(listener_full ? max_total_.load() : max_per_source_.load());
    log_refusal(spdlog::level::warn, "connection.refused", listener_ + (listener_full ? "/listener" : "/source"),
                source,
                {{"listener", listener_},
                 {"reason", listener_full ? "listener_full" : "source_full"},
                 {"peer", source},
                 {"limit", limit},
                 {"detail", listener_full ? "the listener holds its maximum of connections"
                                          : "this address holds its maximum of connections"}});
    return Slot();
}

void ConnectionLimits::release(const std::string& source) {
    std::lock_guard lock(mutex_);
    // An empty source: a slot never attributed (its PROXY header never came).
    if (auto it = per_source_.find(source); !source.empty() && it != per_source_.end() && --it->second == 0)
        per_source_.erase(it);
    --total_;
}

std::uint64_t ConnectionLimits::refused(Refusal r) const {
    return r == Refusal::listener_full ? listener_full_.load() : r == Refusal::source_full ? source_full_.load() : 0;
}

void render_connection_limits(std::string& out, std::initializer_list<const ConnectionLimits*> listeners) {
    out += "# TYPE sekisho_connections_refused_total counter\n";
    for (const auto* l : listeners) {
        if (!l) continue;
        for (auto [reason, r] : {std::pair{"listener_full", ConnectionLimits::Refusal::listener_full},
                                 std::pair{"source_full", ConnectionLimits::Refusal::source_full}})
            out += "sekisho_connections_refused_total{listener=\"" + l->listener() + "\",reason=\"" + reason +
                   "\"} " + std::to_string(l->refused(r)) + "\n";
    }
    out += "# TYPE sekisho_listener_connections gauge\n";
    for (const auto* l : listeners)
        if (l) out += "sekisho_listener_connections{listener=\"" + l->listener() + "\"} " + std::to_string(l->open()) + "\n";
}

} // namespace sekisho::gateway
