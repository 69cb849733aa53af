#include "gateway/tls/device_view.hpp"

#include <algorithm>
#include <mutex>

namespace sekisho::gateway {

namespace {

// Hex digit values by character, -1 for anything else (a million fingerprints at start).
constexpr std::array<std::int8_t, 256> kHexValue = [] {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) table[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'A' + 10);
    return table;
}();

int hex_value(char c) {
    return kHexValue[static_cast<unsigned char>(c)];
}

} // namespace

DeviceView::DeviceView() : shards_(std::make_unique<Shard[]>(kShards)) {}
DeviceView::~DeviceView() = default;

bool DeviceView::parse(std::string_view hex, Key& key) {
    if (hex.size() != key.size() * 2) return false;
    int bad = 0;
    for (std::size_t i = 0; i < key.size(); ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        bad |= hi | lo; // negative once any is not a digit
        key[i] = static_cast<std::uint8_t>((hi & 15) << 4 | (lo & 15));
    }
    return bad >= 0;
}

// SHA-256 values are uniform: their first bits spread the certificates evenly.
DeviceView::Shard& DeviceView::shard_of(const Key& key) const {
    return shards_[(std::size_t{key[0]} << 8 | key[1]) % kShards];
}

std::uint32_t DeviceView::facility_id(std::string_view name) {
    {
        std::shared_lock lock(facilities_mutex_);
        if (auto it = facility_ids_.find(std::string(name)); it != facility_ids_.end()) return it->second;
    }
    std::unique_lock lock(facilities_mutex_);
    auto [it, added] = facility_ids_.try_emplace(std::string(name), static_cast<std::uint32_t>(facility_names_.size()));
    if (added) facility_names_.emplace_back(name);
    return it->second;
}

std::string DeviceView::facility_name(std::uint32_t id) const {
    std::shared_lock lock(facilities_mutex_);
    return id < facility_names_.size() ? facility_names_[id] : std::string();
}

bool DeviceView::find(std::string_view fingerprint, store::UnixSeconds now, Entry& found) const {
    Key key;
    if (!parse(fingerprint, key)) return false;
    const Shard& shard = shard_of(key);
    std::shared_lock lock(shard.mutex);
    auto it = std::lower_bound(shard.entries.begin(), shard.entries.end(), key,
                               [](const Entry& e, const Key& k) { return e.key < k; });
    if (it == shard.entries.end() || it->key != key || it->not_after <= now) return false;
    found = *it;
    return true;
}

bool DeviceView::admits(std::string_view fingerprint, store::UnixSeconds now) const {
    Entry found;
    return find(fingerprint, now, found);
}

std::optional<std::string> DeviceView::facility_of(std::string_view fingerprint, store::UnixSeconds now) const {
    Entry found;
    if (!find(fingerprint, now, found)) return std::nullopt;
    return facility_name(found.facility);
}

bool DeviceView::put(std::string_view fingerprint, std::string_view facility, store::UnixSeconds not_after) {
    Key key;
    if (!parse(fingerprint, key)) return false;
    const Entry entry{key, not_after, facility_id(facility)};
    Shard& shard = shard_of(key);
    std::unique_lock lock(shard.mutex);
    auto it = std::lower_bound(shard.entries.begin(), shard.entries.end(), key,
                               [](const Entry& e, const Key& k) { return e.key < k; });
    if (it != shard.entries.end() && it->key == key) {
        if (it->not_after == entry.not_after && it->facility == entry.facility) return false;
        *it = entry;
        return true;
    }
    shard.entries.insert(it, entry);
    size_.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool DeviceView::erase(const Key& key) {
    Shard& shard = shard_of(key);
    std::unique_lock lock(shard.mutex);
    auto it = std::lower_bound(shard.entries.begin(), shard.entries.end(), key,
                               [](const Entry& e, const Key& k) { return e.key < k; });
    if (it == shard.entries.end() || it->key != key) return false;
    shard.entries.erase(it);
    size_.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

bool DeviceView::apply(const store::CertificateState& state) {
    if (state.admitted) return put(state.fingerprint, state.facility, state.not_after);
    Key key;
    return parse(state.fingerprint, key) && erase(key);
}

void DeviceView::bulk_add(const store::CertificateState& state) {
    Key key;
    if (!state.admitted || !parse(state.fingerprint, key)) return;
    shard_of(key).entries.push_back({key, state.not_after, facility_id(state.facility)});
}

void DeviceView::seal() {
    std::size_t total = 0;
    for (std::size_t i = 0; i < kShards; ++i) {
        auto& entries = shards_[i].entries;
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
        // The registry's fingerprints are unique: a repeated one is held once all the same.
        entries.erase(std::unique(entries.begin(), entries.end(),
                                  [](const Entry& a, const Entry& b) { return a.key == b.key; }),
                      entries.end());
        entries.shrink_to_fit();
        total += entries.size();
    }
    size_.store(total, std::memory_order_relaxed);
}

std::size_t DeviceView::memory_bytes() const {
    std::size_t bytes = kShards * sizeof(Shard);
    for (std::size_t i = 0; i < kShards; ++i) {
        std::shared_lock lock(shards_[i].mutex);
        bytes += shards_[i].entries.capacity() * sizeof(Entry);
    }
    std::shared_lock lock(facilities_mutex_);
    for (const auto& name : facility_names_) bytes += sizeof(std::string) * 2 + name.capacity() + 16;
    return bytes;
}

} // namespace sekisho::gateway
