#include "codec/jst_time.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::codec;
using namespace std::chrono;

namespace {

const SystemTime kSunday1300{seconds(1'795'320'000)};      // 2026-11-22 04:00:00 UTC, a Sunday in Japan
const SystemTime kMondayMidnight{seconds(1'795'359'600)}; // 2026-11-22 15:00:00 UTC = 2026-11-23 00:00 JST

} // namespace

TEST_CASE("jst_timestamp is RFC 3339 in Japan time, to the millisecond (truncated)") {
    CHECK(jst_timestamp(kSunday1300) == "2026-11-22T13:00:00.000+09:00");
    CHECK(jst_timestamp(kSunday1300 + minutes(5) + seconds(1) + microseconds(123'999)) ==
          "2026-11-22T13:05:01.123+09:00");
    CHECK(jst_timestamp(kMondayMidnight - milliseconds(1)) == "2026-11-22T23:59:59.999+09:00");
    CHECK(jst_timestamp(kMondayMidnight) == "2026-11-23T00:00:00.000+09:00");
    CHECK(jst_timestamp(SystemTime{}) == "1970-01-01T09:00:00.000+09:00");
    CHECK(jst_timestamp(SystemTime{} - milliseconds(1)) == "1970-01-01T08:59:59.999+09:00");
}

TEST_CASE("jst_date changes at midnight in Japan, not in UTC") {
    CHECK(jst_date(kSunday1300) == "2026-11-22");
    CHECK(jst_date(kMondayMidnight - milliseconds(1)) == "2026-11-22");
    CHECK(jst_date(kMondayMidnight) == "2026-11-23");
}

TEST_CASE("jst_display and jst_display_minutes are for people") {
    const auto t = kSunday1300 + minutes(5) + seconds(1) + milliseconds(999);
    CHECK(jst_display(t) == "2026-11-22 13:05:01");
    CHECK(jst_display_minutes(t) == "2026-11-22 13:05");
    CHECK(jst_display_minutes(kMondayMidnight - seconds(1)) == "2026-11-22 23:59");
}

TEST_CASE("jst_week_minute places an instant in the JST week") {
    const auto sunday = jst_week_minute(kSunday1300 + minutes(5) + seconds(59));
    CHECK(sunday.weekday == 6);
    CHECK(sunday.minute_of_day == 13 * 60 + 5);
    const auto monday = jst_week_minute(kMondayMidnight);
    CHECK(monday.weekday == 0);
    CHECK(monday.minute_of_day == 0);
    const auto late = jst_week_minute(kMondayMidnight - seconds(1));
    CHECK(late.weekday == 6);
    CHECK(late.minute_of_day == 1439);
}

TEST_CASE("parse_jst_time reads what an operator writes, in JST unless an offset is given") {
    using sekisho::codec::parse_jst_time;
    const auto seconds_of = [](std::string_view text) {
        auto t = parse_jst_time(text);
        REQUIRE(t);
        return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
    };
    CHECK(seconds_of("2026-11-22") == 1795273200);          // 2026-11-21T15:00:00Z
    CHECK(seconds_of("2026-11-22T13:05") == 1795273200 + 13 * 3600 + 5 * 60);
    CHECK(seconds_of("2026-11-22T13:05:01") == 1795273200 + 13 * 3600 + 5 * 60 + 1);
    CHECK(seconds_of("2026-11-22T00:00:00Z") == 1795273200 + 9 * 3600);
    CHECK(seconds_of("2026-11-22T00:00:00+09:00") == 1795273200);
    CHECK(seconds_of("2026-11-21T10:00:00-05:00") == 1795273200);
    for (const char* bad : {"", "2026-11-31", "2026-13-01", "2026/11/22", "26-11-22", "2026-11-22T25:00",
                            "2026-11-22T13", "2026-11-22 junk", "2026-11-22T13:05:01.5", "yesterday"})
        CHECK_FALSE(parse_jst_time(bad));
}
