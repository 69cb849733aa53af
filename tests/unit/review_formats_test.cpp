// The printed forms of the review: CSV cells that no spreadsheet takes for a formula and that
// RFC 4180 readers split right, an HTML page with every value escaped and both languages, and
// JSON with typed values.
#include "review/report_csv.hpp"
#include "review/report_html.hpp"
#include "review/report_json.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace sekisho;
using namespace sekisho::review;

namespace {

constexpr UnixSeconds kNow = 1'800'000'000;

ReviewReport hostile_report() {
    store::User u;
    u.id = "mallory";
    u.display_name = "=HYPERLINK(\"http://evil/\",\"<b>x</b>\")";
    u.facility = "north, east";
    u.roles = {"nurse"};
    u.created_at = u.updated_at = kNow - 400 * 86400;
    ReviewInput input;
    input.registry = "/var/lib/sekisho/registry.db";
    input.users = {u};
    return build_review_report(input, ReviewOptions{}, kNow);
}

} // namespace

TEST_CASE("CSV fields: formula guard first, then RFC 4180 quoting", "[review]") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("=1+2") == "'=1+2");
    CHECK(csv_field("+81 3") == "'+81 3");
    CHECK(csv_field("-2") == "'-2");
    CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
    CHECK(csv_field("\tx") == "'\tx");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("=cmd|' /C calc'!A0,x") == "\"'=cmd|' /C calc'!A0,x\"");
    CHECK(csv_field("a=b") == "a=b"); // only the first character matters
    CHECK(csv_record({"a", "b,c", ""}) == "a,\"b,c\",\r\n");
}

TEST_CASE("the CSV has a section per list and guards a hostile display name", "[review]") {
    const std::string csv = render_csv(hostile_report());
    CHECK(csv.starts_with("\xEF\xBB\xBF"));
    for (const char* key : {"inactive_users", "unseen_devices", "expiring_certificates", "administrators",
                            "break_glass", "locked_accounts"})
        CHECK_THAT(csv, Catch::Contains(std::string("section,") + key + ","));
    CHECK_THAT(csv, Catch::Contains("mallory,\"'=HYPERLINK(\"\"http://evil/\"\",\"\"<b>x</b>\"\")\",\"north, east\""));
    CHECK_THAT(csv, Catch::Contains("\r\n"));
    CHECK_THAT(csv, Catch::Contains("notes")); // no active admin at all
}

TEST_CASE("the HTML page escapes every value, has no script and speaks both languages", "[review]") {
    const std::string html = render_html(hostile_report());
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK_THAT(html, !Catch::Contains("<script"));
    CHECK_THAT(html, !Catch::Contains("<b>x</b>"));
    CHECK_THAT(html, Catch::Contains("&lt;b&gt;x&lt;/b&gt;"));
    CHECK_THAT(html, Catch::Contains("未使用のユーザー") && Catch::Contains("Users not logged in for 90 days"));
    CHECK_THAT(html, Catch::Contains("2027-01-15") && Catch::Contains("JST"));
    CHECK_THAT(html, Catch::Contains("<style>") && !Catch::Contains("<link"));
}

TEST_CASE("the JSON report has typed values: null for never", "[review]") {
    const auto doc = boost::json::parse(render_json(hostile_report())).as_object();
    CHECK(doc.at("days").as_int64() == 90);
    const auto& users = doc.at("inactive_users").as_array();
    REQUIRE(users.size() == 1);
    CHECK(users[0].at("display_name").as_string() == "=HYPERLINK(\"http://evil/\",\"<b>x</b>\")");
    CHECK(users[0].at("days_idle").is_null());
    CHECK(doc.at("active_admins").as_int64() == 0);
    CHECK(doc.at("notes").as_array().size() == 1);
}
