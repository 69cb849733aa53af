#include "gateway/events/refusal_records.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace sekisho::gateway;
using namespace std::chrono;

namespace {

const RefusalRecords::Clock::time_point kT0{seconds(1000)};

} // namespace

TEST_CASE("one refusal record per source and kind a minute; the first is always written", "[refusals]") {
    RefusalRecords records(minutes(1), 100);
    std::uint64_t held = 99;
    CHECK(records.should_write("no_certificate", "203.0.113.7", kT0, &held));
    CHECK(held == 0);
    for (int i = 1; i <= 500; ++i) CHECK_FALSE(records.should_write("no_certificate", "203.0.113.7", kT0 + seconds(i % 59), &held));
    // Another source or another kind is its own window.
    CHECK(records.should_write("no_certificate", "203.0.113.8", kT0 + seconds(1), &held));
    CHECK(records.should_write("unknown_ca", "203.0.113.7", kT0 + seconds(1), &held));
    // The next window's first record carries the count held back.
    CHECK(records.should_write("no_certificate", "203.0.113.7", kT0 + seconds(61), &held));
    CHECK(held == 500);
}

TEST_CASE("a quiet source's held-back count is reported once when its window ends", "[refusals]") {
    RefusalRecords records(minutes(1), 100);
    std::uint64_t held = 0;
    records.should_write("ticket_refused", "198.51.100.1", kT0, &held);
    for (int i = 0; i < 7; ++i) records.should_write("ticket_refused", "198.51.100.1", kT0 + seconds(2), &held);
    records.should_write("ticket_refused", "198.51.100.2", kT0, &held); // nothing held back
    std::map<std::string, std::uint64_t> reported;
    auto report = [&](std::string_view kind, std::string_view source, std::uint64_t n) {
        reported[std::string(kind) + "/" + std::string(source)] = n;
    };
    records.report_ended(kT0 + seconds(30), report);
    CHECK(reported.empty()); // windows still open
    records.report_ended(kT0 + seconds(61), report);
    CHECK(reported == std::map<std::string, std::uint64_t>{{"ticket_refused/198.51.100.1", 7}});
    CHECK(records.tracked() == 0); // quiet sources are forgotten
    reported.clear();
    records.report_ended(kT0 + seconds(200), report);
    CHECK(reported.empty());
}

TEST_CASE("sources beyond the table's size share one entry, so spraying addresses stays bounded", "[refusals]") {
    RefusalRecords records(minutes(1), 10);
    std::uint64_t held = 0;
    int written = 0;
    for (int i = 0; i < 1000; ++i)
        written += records.should_write("no_certificate", "10.0.0." + std::to_string(i), kT0, &held) ? 1 : 0;
    CHECK(written == 11); // ten sources and the shared entry
    CHECK(records.tracked() == 11);
}

TEST_CASE("the source of a peer is its address without the port", "[refusals]") {
    CHECK(source_address("203.0.113.7:51234") == "203.0.113.7");
    CHECK(source_address("[2001:db8::1]:443") == "2001:db8::1");
    CHECK(source_address("2001:db8::1") == "2001:db8::1");
    CHECK(source_address("-") == "-");
}
