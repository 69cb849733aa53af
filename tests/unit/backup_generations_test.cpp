#include "backup/generations.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace sekisho::backup;

namespace {

const sekisho::codec::SystemTime kMondayMidnight{std::chrono::seconds(1'795'359'600)}; // 2026-11-23 00:00 JST

std::vector<std::string> kept_sorted(const std::vector<std::string>& newest_first, const Retention& r,
                                     const std::string& first_daily) {
    const auto kept = generations_kept(newest_first, r, first_daily);
    return {kept.rbegin(), kept.rend()};
}

} // namespace

TEST_CASE("generation names are the JST time of creation, and only those are generations") {
    CHECK(is_generation_name("2026-12-07T084621+0900"));
    CHECK(is_generation_name("2026-12-07T084621+0900-2"));
    CHECK_FALSE(is_generation_name("2026-12-07T084621+0900-"));
    CHECK_FALSE(is_generation_name("2026-12-07T08:46:21+09:00"));
    CHECK_FALSE(is_generation_name("lost+found"));
    CHECK_FALSE(is_generation_name("2026-12-07T084621Z"));
    const auto dir = std::filesystem::temp_directory_path() / ("sekisho-gen-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto first = new_generation_name(dir.string(), kMondayMidnight);
    CHECK(first == "2026-11-23T000000+0900");
    std::filesystem::create_directory(dir / first);
    CHECK(new_generation_name(dir.string(), kMondayMidnight) == "2026-11-23T000000+0900-2");
    // A prune may have removed the earlier ones of the second: the next still sorts newest.
    std::filesystem::remove(dir / first);
    std::filesystem::create_directory(dir / "2026-11-23T000000+0900-3");
    CHECK(new_generation_name(dir.string(), kMondayMidnight) == "2026-11-23T000000+0900-4");
    std::filesystem::remove_all(dir);
}

TEST_CASE("retention keeps the newest N, and with daily/monthly thinning one per day and per month") {
    // Newest first: three today, one a day for the 4 days before, then two per month back to August.
    const std::vector<std::string> names = {
        "2026-11-23T030000+0900", "2026-11-23T020000+0900", "2026-11-23T010000+0900", "2026-11-22T010000+0900",
        "2026-11-21T010000+0900", "2026-11-20T010000+0900", "2026-11-19T010000+0900", "2026-10-30T010000+0900",
        "2026-10-02T010000+0900", "2026-09-30T010000+0900", "2026-09-01T010000+0900", "2026-08-15T010000+0900"};
    SECTION("keep alone: exactly the newest N") {
        const auto kept = kept_sorted(names, {3, 0, 0}, "2026-11-23");
        CHECK(kept == std::vector<std::string>(names.begin(), names.begin() + 3));
    }
    SECTION("daily: the newest of each of the last D days, besides the newest N") {
        const auto kept = kept_sorted(names, {1, 3, 0}, "2026-11-21");
        CHECK(kept == std::vector<std::string>{"2026-11-23T030000+0900", "2026-11-22T010000+0900",
                                               "2026-11-21T010000+0900"});
    }
    SECTION("monthly: the newest of each of M months before the daily window") {
        const auto kept = kept_sorted(names, {1, 3, 2}, "2026-11-21");
        CHECK(kept == std::vector<std::string>{"2026-11-23T030000+0900", "2026-11-22T010000+0900",
                                               "2026-11-21T010000+0900", "2026-11-20T010000+0900",
                                               "2026-10-30T010000+0900"});
    }
}

TEST_CASE("prune removes what the rule does not keep, and failed generations older than a complete one") {
    const auto dir = std::filesystem::temp_directory_path() / ("sekisho-prune-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto make = [&](const std::string& name, bool complete) {
        std::filesystem::create_directory(dir / name);
        if (complete) std::ofstream(dir / name / "manifest.json") << "{}";
    };
    make("2026-11-20T010000+0900", true);
    make("2026-11-21T010000+0900", false); // failed: a complete one is newer
    make("2026-11-22T010000+0900", true);
    make("2026-11-23T010000+0900", true);
    make("2026-11-23T020000+0900", false); // the newest: maybe still being written
    make("not-a-generation", false);

    const auto dry = prune_generations(dir.string(), {2, 0, 0}, kMondayMidnight + std::chrono::hours(3), true);
    CHECK(dry.removed == std::vector<std::string>{"2026-11-21T010000+0900", "2026-11-20T010000+0900"});
    CHECK(std::filesystem::exists(dir / "2026-11-20T010000+0900"));

    const auto done = prune_generations(dir.string(), {2, 0, 0}, kMondayMidnight + std::chrono::hours(3), false);
    CHECK(done.kept == std::vector<std::string>{"2026-11-23T010000+0900", "2026-11-22T010000+0900"});
    CHECK(done.incomplete == std::vector<std::string>{"2026-11-23T020000+0900"});
    CHECK_FALSE(std::filesystem::exists(dir / "2026-11-20T010000+0900"));
    CHECK_FALSE(std::filesystem::exists(dir / "2026-11-21T010000+0900"));
    CHECK(std::filesystem::exists(dir / "not-a-generation"));
    CHECK_THROWS_WITH(prune_generations(dir.string(), {0, 0, 0}, kMondayMidnight, false), "--keep must be at least 1");
    std::filesystem::remove_all(dir);
}
