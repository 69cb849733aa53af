#include "gateway/admin/dashboard_page.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace sekisho::gateway;
using namespace std::chrono;

namespace {

const system_clock::time_point kNow{seconds(1'795'320'000)}; // 2026-11-22 13:00:00 JST
const std::string kFingerprint(64, 'a');

DashboardData sample() {
    auto now = std::make_shared<system_clock::time_point>(kNow);
    EventHistory history(100, [now] { return *now; });
    history.record(spdlog::level::warn, "login.failed",
                   std::initializer_list<LogField>{{"reason", "bad_credentials"}, {"detail", "wrong_password"},
                                                   {"user", "<script>alert(1)</script>"}, {"device", kFingerprint},
                                                   {"facility", "demo&clinic"}, {"peer", "10.0.0.7"}});
    history.record(spdlog::level::warn, "handshake.refused",
                   std::initializer_list<LogField>{{"reason", "not_registered"}, {"peer", "10.0.0.9"},
                                                   {"subject", "/O=x/CN=\"rogue\""}});
    DashboardData d;
    d.now = kNow;
    read_history(history, d);
    auto snap = std::make_shared<RegistrySnapshot>();
    snap->taken = kNow;
    snap->locked.push_back({"nurse'o", "demo-clinic", 1'795'320'000 + 1800, 5});
    snap->locked.push_back({"gone", "demo-clinic", 1'795'320'000 - 1, 5}); // lock ran out since the snapshot
    snap->expiring.push_back({"dev-0123456789abcdef", "ward <3>", "demo-clinic", "0A1B", 1'795'320'000 + 3 * 86400 + 60});
    snap->expiring.push_back({"dev-fedcba9876543210", "old", "demo-clinic", "0C", 1'795'320'000 - 86400});
    d.registry = snap;
    d.clock.synchronized = true;
    return d;
}

} // namespace

TEST_CASE("the dashboard escapes every value it shows") {
    const auto page = render_dashboard(sample(), Lang::en);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("demo&amp;clinic") != std::string::npos);
    CHECK(page.find("/O=x/CN=&quot;rogue&quot;") != std::string::npos);
    CHECK(page.find("nurse&#39;o") != std::string::npos);
    CHECK(page.find("ward &lt;3&gt;") != std::string::npos);
}

TEST_CASE("the dashboard shows failures, lockouts, expiring terminals and recent events") {
    const auto page = render_dashboard(sample(), Lang::en);
    CHECK(page.find("<svg class=\"chart\"") != std::string::npos);
    CHECK(page.find("data-count=\"2\"") != std::string::npos); // both failures in the current minute
    CHECK(page.find("id=\"failures-total\">2<") != std::string::npos);
    CHECK(page.find("data-key=\"login.failed:wrong_password\"><td>Failed login <code>wrong_password</code></td>"
                    "<td class=\"num\">1</td>") != std::string::npos);
    CHECK(page.find("data-key=\"handshake.refused:not_registered\"") != std::string::npos);
    CHECK(page.find(kFingerprint.substr(0, 16) + "…") != std::string::npos);
    CHECK(page.find("data-user=\"nurse&#39;o\"") != std::string::npos);
    CHECK(page.find("2026-11-22 13:30:00") != std::string::npos); // locked until, JST
    CHECK(page.find("data-user=\"gone\"") == std::string::npos);
    CHECK(page.find("dev-0123456789abcdef") != std::string::npos);
    CHECK(page.find("<td class=\"num\">3</td></tr>") != std::string::npos); // days left
    CHECK(page.find("<tr class=\"expired\">") != std::string::npos);
    CHECK(page.find("data-event=\"login.failed\"") != std::string::npos);
    CHECK(page.find("class=\"ok\" id=\"clock-state\">synchronised<") != std::string::npos);
}

TEST_CASE("the dashboard speaks Japanese by default and English on request") {
    const auto ja = render_dashboard(sample(), Lang::ja);
    CHECK(ja.find("<html lang=\"ja\">") != std::string::npos);
    CHECK(ja.find("認証失敗") != std::string::npos);
    CHECK(ja.find("ロック中のアカウント") != std::string::npos);
    CHECK(ja.find("ログイン失敗") != std::string::npos);
    CHECK(ja.find("href=\"/dashboard?lang=en&amp;window=1h\"") != std::string::npos);
    const auto en = render_dashboard(sample(), Lang::en);
    CHECK(en.find("<html lang=\"en\">") != std::string::npos);
    CHECK(en.find("Authentication failures") != std::string::npos);
    CHECK(en.find("認証失敗") == std::string::npos);

    CHECK(choose_language("", "") == Lang::ja);
    CHECK(choose_language("en", "ja") == Lang::en);
    CHECK(choose_language("ja", "en-US") == Lang::ja);
    CHECK(choose_language("fr", "en-US,en;q=0.9") == Lang::en);
    CHECK(choose_language("", "en;q=0.5, ja;q=0.8") == Lang::ja);
    CHECK(choose_language("", "fr-FR, EN-GB;q=0.7") == Lang::en);
}

TEST_CASE("the dashboard warns when the clock is not synchronised or there is no registry") {
    auto d = sample();
    d.clock.synchronized = false;
    d.registry = nullptr;
    d.window = DashboardWindow::last_day;
    const auto page = render_dashboard(d, Lang::ja);
    CHECK(page.find("class=\"warn\" id=\"clock-state\">未同期") != std::string::npos);
    CHECK(page.find("レジストリが設定されていません") != std::string::npos);
    CHECK(page.find("直近24時間") != std::string::npos);
    CHECK(parse_dashboard_window("24h") == DashboardWindow::last_day);
    CHECK(parse_dashboard_window("bogus") == DashboardWindow::last_hour);
}
