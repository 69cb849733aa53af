#include "codec/jst_time.hpp"

#include <cstdio>

namespace sekisho::codec {
namespace {

// The JST calendar fields of t, truncated to the millisecond (floor: also before 1970).
struct JstFields {
    int year;
    unsigned month, day;
    long hour, minute, second, millisecond;
};

JstFields jst_fields(SystemTime t) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t) + hours(9);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss hms{ms - day};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
            static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
            static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count())};
}

} // namespace

std::string jst_timestamp(SystemTime t) {
    // Every audit record carries one: written digit by digit (snprintf was a third of a
    // microsecond, on the request path).
    const auto f = jst_fields(t);
    std::string out = "0000-00-00T00:00:00.000+09:00";
    const auto put = [&out](std::size_t at, long value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    // system_clock counts nanoseconds in 64 bits: every year it holds (1677-2262) has four digits.
    put(0, f.year, 4);
    put(5, f.month, 2);
    put(8, f.day, 2);
    put(11, f.hour, 2);
    put(14, f.minute, 2);
    put(17, f.second, 2);
    put(20, f.millisecond, 3);
    return out;
}

std::string jst_date(SystemTime t) {
    const auto f = jst_fields(t);
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", f.year, f.month, f.day);
    return buf;
}

std::string jst_display(SystemTime t) {
    const auto f = jst_fields(t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld", f.year, f.month, f.day, f.hour, f.minute,
                  f.second);
    return buf;
}

std::string jst_display_minutes(SystemTime t) {
    const auto f = jst_fields(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld", f.year, f.month, f.day, f.hour, f.minute);
    return buf;
}

JstWeekMinute jst_week_minute(SystemTime t) {
    using namespace std::chrono;
    const auto jst = floor<minutes>(t) + hours(9);
    const auto day = floor<days>(jst);
    return {weekday(day).iso_encoding() - 1, static_cast<unsigned>((jst - day).count())};
}

namespace {

// Exactly n digits at text[at...]; nothing when one is not a digit.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t n) {
    if (text.size() < at + n) return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

} // namespace

std::optional<SystemTime> parse_jst_time(std::string_view text) {
    using namespace std::chrono;
    const auto y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
    if (!y || !mo || !d || text[4] != '-' || text[7] != '-') return std::nullopt;
    const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
    if (!date.ok()) return std::nullopt;
    std::size_t at = 10;
    seconds time_of_day{0};
    if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
        const auto h = digits(text, at + 1, 2), mi = digits(text, at + 4, 2);
        if (!h || !mi || text[at + 3] != ':' || *h > 23 || *mi > 59) return std::nullopt;
        time_of_day = hours(*h) + minutes(*mi);
        at += 6;
        if (at < text.size() && text[at] == ':') {
            const auto s = digits(text, at + 1, 2);
            if (!s || *s > 59) return std::nullopt;
            time_of_day += seconds(*s);
            at += 3;
        }
    }
    minutes offset = hours(9);
    if (at < text.size() && text[at] == 'Z') {
        offset = minutes(0);
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        const auto oh = digits(text, at + 1, 2), om = digits(text, at + 4, 2);
        if (!oh || !om || text[at + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
        offset = (hours(*oh) + minutes(*om)) * (text[at] == '-' ? -1 : 1);
        at += 6;
    }
    if (at != text.size()) return std::nullopt;
    return SystemTime(sys_days(date).time_since_epoch() + time_of_day - offset);
}

} // namespace sekisho::codec
