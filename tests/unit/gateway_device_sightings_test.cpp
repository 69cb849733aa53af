// DeviceSightings: what the handshake notes for the registry's last-seen time — each device
// at most once per clock hour, handed over in batches, a refused batch kept for the next.
#include "gateway/tls/device_sightings.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using sekisho::gateway::DeviceSightings;
using sekisho::store::DeviceSighting;
using sekisho::store::UnixSeconds;

namespace {

constexpr UnixSeconds kHour = 1'800'000'000 / 3600 * 3600; // the start of a clock hour

std::vector<std::pair<std::string, UnixSeconds>> sorted(std::vector<DeviceSighting> batch) {
    std::vector<std::pair<std::string, UnixSeconds>> out;
    for (auto& s : batch) out.emplace_back(s.fingerprint, s.at);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("a device is noted once per clock hour, with its first sighting in that hour", "[gateway]") {
    DeviceSightings sightings;
    sightings.saw("aa", kHour + 10);
    sightings.saw("aa", kHour + 20);
    sightings.saw("bb", kHour + 30);
    CHECK(sightings.pending() == 2);
    CHECK(sorted(sightings.take(kHour + 60)) == std::vector<std::pair<std::string, UnixSeconds>>{{"aa", kHour + 10},
                                                                                                 {"bb", kHour + 30}});
    // Flushed, and seen again within the same hour: nothing new for the registry.
    sightings.saw("aa", kHour + 1800);
    CHECK(sightings.take(kHour + 1900).empty());
    // The next hour: noted again.
    sightings.saw("aa", kHour + 3600 + 5);
    CHECK(sorted(sightings.take(kHour + 3600 + 10)) ==
          std::vector<std::pair<std::string, UnixSeconds>>{{"aa", kHour + 3605}});
}

TEST_CASE("a batch the registry refused is kept, unless a later sighting waits already", "[gateway]") {
    DeviceSightings sightings;
    sightings.saw("aa", kHour + 10);
    sightings.saw("bb", kHour + 20);
    auto refused = sightings.take(kHour + 30);
    sightings.saw("cc", kHour + 3600 + 1);
    sightings.saw("aa", kHour + 3600 + 2); // a new hour: noted again, later than the refused one
    sightings.put_back(std::move(refused));
    CHECK(sorted(sightings.take(kHour + 3600 + 60)) ==
          std::vector<std::pair<std::string, UnixSeconds>>{{"aa", kHour + 3602}, {"bb", kHour + 20}, {"cc", kHour + 3601}});
    CHECK(sightings.pending() == 0);
}
