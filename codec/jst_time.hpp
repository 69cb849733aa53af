// Japan time (JST, UTC+09:00, no daylight saving): the one place an instant becomes Japan's
// wall clock — the audit trail's timestamps and daily rotation, the login pages, the login
// windows and the dashboard all read the time through these.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::codec {

using SystemTime = std::chrono::system_clock::time_point;

// "2026-11-22T13:05:01.123+09:00": RFC 3339, milliseconds (audit records, alerts, exports).
std::string jst_timestamp(SystemTime t);

// "2026-11-22": the JST date (the audit log rotates when it changes).
std::string jst_date(SystemTime t);

// "2026-11-22 13:05:01": for people, on a page that says once that its times are JST.
std::string jst_display(SystemTime t);

// "2026-11-22 13:05": the same, to the minute.
std::string jst_display_minutes(SystemTime t);

// The instant an operator wrote: "2026-11-22" (00:00 JST that day), "2026-11-22T13:05" or
// "2026-11-22T13:05:01", in JST unless followed by "Z" or an offset "+09:00"/"-05:00".
// Nothing else (no other calendar, no missing digits): an error is better than a guess.
std::optional<SystemTime> parse_jst_time(std::string_view text);

// Where an instant falls in the JST week, to the minute (login windows).
struct JstWeekMinute {
    unsigned weekday;       // 0 = Monday … 6 = Sunday
    unsigned minute_of_day; // minutes since 00:00 JST, 0 … 1439
};
JstWeekMinute jst_week_minute(SystemTime t);

} // namespace sekisho::codec
