// The certificates the registry admits, held compactly enough for a million terminals: per
// certificate its SHA-256 (32 bytes, not 64 hex characters), its notAfter and a reference to
// its device's facility (each facility's name is held once) — 48 bytes in a sorted array,
// spread over shards so that a change locks one shard for a moment and handshakes on other
// threads read the rest meanwhile. Built once from a stream of the registry, then changed in
// place, a certificate at a time, as the registry changes (RegistryWatch).
#pragma once

#include "store/device_registry.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sekisho::gateway {

class DeviceView {
public:
    DeviceView();
    ~DeviceView();
    DeviceView(const DeviceView&) = delete;
    DeviceView& operator=(const DeviceView&) = delete;

    // fingerprint: the certificate's SHA-256 in hex (64 characters); anything else is never
    // admitted. A certificate past its notAfter at now is not either, though still held.
    bool admits(std::string_view fingerprint, store::UnixSeconds now) const;
    // Its device's facility, when it is admitted.
    std::optional<std::string> facility_of(std::string_view fingerprint, store::UnixSeconds now) const;

    // Makes the view say what the registry says of one certificate: held while admitted,
    // dropped otherwise. Returns whether the view changed. Any thread, any time.
    bool apply(const store::CertificateState& state);
    // Admits one certificate (a malformed fingerprint is ignored: it could never match).
    bool put(std::string_view fingerprint, std::string_view facility, store::UnixSeconds not_after);

    // While the view is built and not yet shared: adds an admitted certificate without
    // ordering it, which seal() then does once for all. Faster than put() a million times.
    void bulk_add(const store::CertificateState& state);
    void seal();

    std::size_t size() const { return size_.load(std::memory_order_relaxed); }
    // What the view holds in memory, in bytes (its arrays and the facilities' names).
    std::size_t memory_bytes() const;

private:
    using Key = std::array<std::uint8_t, 32>;
    struct Entry {
        Key key;
        store::UnixSeconds not_after;
        std::uint32_t facility;
    };
    struct Shard {
        mutable std::shared_mutex mutex;
        std::vector<Entry> entries; // by key
    };
    static constexpr std::size_t kShards = 1024;

    static bool parse(std::string_view hex, Key& key);
    Shard& shard_of(const Key& key) const;
    std::uint32_t facility_id(std::string_view name);
    std::string facility_name(std::uint32_t id) const;
    bool erase(const Key& key);
    bool find(std::string_view fingerprint, store::UnixSeconds now, Entry& found) const;

    std::unique_ptr<Shard[]> shards_;
    std::atomic<std::size_t> size_{0};
    mutable std::shared_mutex facilities_mutex_;
    std::vector<std::string> facility_names_; // by id
    std::unordered_map<std::string, std::uint32_t> facility_ids_;
};

} // namespace sekisho::gateway
