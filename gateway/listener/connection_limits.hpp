// How many connections one listener, and one source address on it, may hold at once. Over
// a limit an accepted socket is closed at once — before any TLS work — counted in /metrics
// and logged once per source a minute (refusal_records.hpp), so 1,000 connections that
// never finish their handshake cannot take the descriptors and memory a terminal needs.
//
// Hospitals reach the gateway through NAT, so one address can be a whole hospital: the
// per-source default is generous on the main listener and tight on the enrollment and admin
// listeners, which few clients use.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sekisho::gateway {

class ConnectionLimits {
public:
    enum class Refusal { none, listener_full, source_full };

    // A place for one connection; released when destroyed. Empty when refused.
    class Slot {
    public:
        Slot() = default;
        Slot(Slot&& other) noexcept;
        Slot& operator=(Slot&& other) noexcept;
        ~Slot();
        explicit operator bool() const { return limits_ != nullptr; }

    private:
        friend class ConnectionLimits;
        Slot(ConnectionLimits* limits, std::string source) : limits_(limits), source_(std::move(source)) {}
        ConnectionLimits* limits_ = nullptr;
        std::string source_;
    };

    ConnectionLimits(std::string listener, std::size_t max_total, std::size_t max_per_source);

    // A slot for a connection from source (an address without port), or an empty one with
    // the reason in *why. A refusal is logged through refusal_records().
    Slot admit(std::string_view source, Refusal* why = nullptr);
    // With the PROXY protocol the source is known only once the header is read: meanwhile
    // the connection holds a place under the listener's total (its descriptor is real), and
    // attribute() then charges it to its source — or, when that source is full, empties the
    // slot and returns false. `via` (the balancer) names the refusal of a full listener.
    Slot admit_unattributed(std::string_view via);
    bool attribute(Slot& slot, std::string_view source);
    // limits.* after a reload; connections already open are not closed.
    void configure(std::size_t max_total, std::size_t max_per_source);

    std::size_t open() const { return total_.load(); }
    std::uint64_t refused(Refusal r) const;
    const std::string& listener() const { return listener_; }

private:
    Slot refuse(Refusal refusal, std::string_view source);
    void release(const std::string& source);

    const std::string listener_;
    std::atomic<std::size_t> max_total_, max_per_source_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> per_source_;
    std::atomic<std::size_t> total_{0};
    std::atomic<std::uint64_t> listener_full_{0}, source_full_{0};
};

// "# TYPE" and sample lines of sekisho_connections_refused_total and
// sekisho_listener_connections for the given listeners, appended to out.
void render_connection_limits(std::string& out, std::initializer_list<const ConnectionLimits*> listeners);

} // namespace sekisho::gateway
