// Bounds the login attempts in flight, per key (a terminal, a source address) and in total,
// so that a burst cannot slip past the failure windows before the first failures are
// counted, nor queue unbounded password hashing on the blocking pool.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sekisho::session {

class ConcurrentAttempts {
public:
    ConcurrentAttempts(std::size_t per_key, std::size_t total) : per_key_(per_key), total_(total) {}

    // Holds one slot for each key until destroyed; empty() when any key or the total is full.
    class Slot {
    public:
        Slot() = default;
        Slot(Slot&& other) noexcept : owner_(other.owner_), keys_(std::move(other.keys_)) { other.owner_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        ~Slot();
        bool empty() const { return owner_ == nullptr; }

    private:
        friend class ConcurrentAttempts;
        ConcurrentAttempts* owner_ = nullptr;
        std::vector<std::string> keys_;
    };

    Slot acquire(const std::vector<std::string>& keys);

private:
    void release(const std::vector<std::string>& keys);

    std::mutex mutex_;
    std::size_t per_key_, total_, in_flight_ = 0;
    std::unordered_map<std::string, std::size_t> by_key_;
};

} // namespace sekisho::session
