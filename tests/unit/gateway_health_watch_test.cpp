// HealthWatch: certificates and CRLs near their end become events once per threshold they
// cross (alerts.expiry_warnings) and once more when they end; an unsynchronised clock when it
// starts and once a day while it lasts; the alert rules fire on them.
// So does a volume short of free space (VolumeWatch).
#include "gateway/events/alerts.hpp"
#include "gateway/events/expiry_thresholds.hpp"
#include "gateway/events/health_watch.hpp"
#include "gateway/events/volume_watch.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <vector>

using namespace sekisho;
using namespace sekisho::gateway;
using namespace std::chrono_literals;

namespace {

struct Captured {
    std::string event;
    std::string level;
    std::map<std::string, std::string> fields;
};

// Sees what the watch reports, in the alert sink's slot (the audit slot stays free).
class Capture final : public EventSink {
public:
    Capture() { attach_alert_sink(this); }
    ~Capture() override { attach_alert_sink(nullptr); }
    void record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) override {
        std::lock_guard lock(mutex_);
        Captured c{std::string(event), std::string(spdlog::level::to_string_view(level).data()), {}};
        for (const auto& [k, v] : fields) c.fields[std::string(k)] = std::string(v);
        events_.push_back(std::move(c));
    }
    std::vector<Captured> take() {
        std::lock_guard lock(mutex_);
        return std::exchange(events_, {});
    }

private:
    std::mutex mutex_;
    std::vector<Captured> events_;
};

const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
const auto s0 = std::chrono::steady_clock::time_point(std::chrono::hours(1000));

ExpiryReport expiring_in(std::chrono::seconds left) {
    const auto at = std::chrono::duration_cast<std::chrono::seconds>(t0.time_since_epoch() + left).count();
    ExpiryReport r;
    r.items.push_back({"server", "CN=gw.example.jp", at, 0});
    r.items.push_back({"crl", "/etc/sekisho/device-ca.crl", at + 86400 * 400, 0}); // far off
    return r;
}

ClockSync synced(bool yes) {
    ClockSync c;
    c.synchronized = yes;
    c.max_error_seconds = yes ? 0.01 : 20;
    return c;
}

} // namespace

TEST_CASE("a certificate is reported once at each threshold it crosses, and when it ends", "[health]") {
    config::AlertsConfig cfg; // 30 d, 7 d
    Capture capture;
    HealthWatch watch;
    watch.check(cfg, expiring_in(40 * 86400s), synced(true), t0, s0);
    CHECK(capture.take().empty()); // outside both
    watch.check(cfg, expiring_in(29 * 86400s), synced(true), t0, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "certificate.expiring");
    CHECK(events[0].level == "warning");
    CHECK(events[0].fields["kind"] == "server");
    CHECK(events[0].fields["subject"] == "CN=gw.example.jp");
    CHECK(events[0].fields["threshold"] == "30d");
    CHECK(events[0].fields["seconds_left"] == std::to_string(29 * 86400));
    CHECK(events[0].fields["not_after"].ends_with("+09:00"));

    watch.check(cfg, expiring_in(20 * 86400s), synced(true), t0 + 9 * 24h, s0 + 9 * 24h);
    CHECK(capture.take().empty()); // days later, still between 30 and 7: no reminder
    watch.check(cfg, expiring_in(6 * 86400s), synced(true), t0, s0);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].fields["threshold"] == "7d");
    watch.check(cfg, expiring_in(5 * 86400s), synced(true), t0, s0);
    CHECK(capture.take().empty());
    watch.check(cfg, expiring_in(-1s), synced(true), t0, s0);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].fields["threshold"] == "expired");
    CHECK(events[0].fields["detail"] == "the certificate has expired");

    watch.check(cfg, expiring_in(365 * 86400s), synced(true), t0, s0);
    CHECK(capture.take().empty()); // renewed: forgotten
    watch.check(cfg, expiring_in(3 * 86400s), synced(true), t0, s0);
    events = capture.take();
    REQUIRE(events.size() == 1); // straight into the 7-day band: one report, the tightest
    CHECK(events[0].fields["threshold"] == "7d");
}

TEST_CASE("a CRL past nextUpdate is reported as such", "[health]") {
    config::AlertsConfig cfg;
    Capture capture;
    HealthWatch watch;
    ExpiryReport r;
    r.items.push_back({"crl", "/x/device-ca.crl", 1'800'000'000 - 10, 1'800'000'000 - 180 * 86400});
    watch.check(cfg, r, synced(true), t0, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "crl.expiring");
    CHECK(events[0].fields["file"] == "/x/device-ca.crl");
    CHECK(events[0].fields["seconds_left"] == "-10");
    CHECK(events[0].fields["threshold"] == "expired");
    CHECK_THAT(events[0].fields["detail"], Catch::StartsWith("the CRL is past its nextUpdate"));
}

TEST_CASE("a CRL's thresholds are those below half its lifetime, else a quarter of it", "[health]") {
    const std::vector<config::Seconds> configured{config::Seconds(30 * 86400), config::Seconds(7 * 86400)};
    const std::int64_t now = 1'800'000'000;
    const Expiry root{"crl", "root-ca.crl", now + 20 * 86400, now - 160 * 86400};       // 180 d
    const Expiry monthly{"crl", "device-ca.crl", now + 20 * 86400, now - 10 * 86400};   // 30 d
    const Expiry daily{"crl", "device-ca.crl", now + 12 * 3600, now - 12 * 3600};       // 1 d, renewed by the gateway
    const Expiry server{"server", "CN=gw", now + 20 * 86400, now - 10 * 86400};         // 30 d certificate
    CHECK(thresholds_for(root, configured) == configured);
    CHECK(crossed_level(root, configured, now) == 1);
    CHECK(thresholds_for(monthly, configured) == std::vector<config::Seconds>{config::Seconds(7 * 86400)});
    CHECK(crossed_level(monthly, thresholds_for(monthly, configured), now) == 0);
    const auto daily_thresholds = thresholds_for(daily, configured);
    CHECK(daily_thresholds == std::vector<config::Seconds>{config::Seconds(6 * 3600)});
    CHECK(level_label(daily_thresholds, 1) == "6h");
    CHECK(crossed_level(daily, daily_thresholds, now) == 0); // healthy: renewed at half its life
    CHECK(thresholds_for(server, configured) == configured); // certificates: every threshold
    const std::string metric = render_expiry_warnings({{root, daily}, 0}, configured, now);
    CHECK_THAT(metric, Catch::Contains("sekisho_expiry_warning{kind=\"crl\",name=\"root-ca.crl\",threshold=\"30d\"} 1"));
    CHECK_THAT(metric, Catch::Contains("sekisho_expiry_warning{kind=\"crl\",name=\"root-ca.crl\",threshold=\"7d\"} 0"));
    CHECK_THAT(metric, Catch::Contains("sekisho_expiry_warning{kind=\"crl\",name=\"device-ca.crl\",threshold=\"6h\"} 0"));
}

TEST_CASE("the clock: warned when sync is lost, critical after the limit, restored", "[health]") {
    config::AlertsConfig cfg; // 24 h
    Capture capture;
    HealthWatch watch;
    const ExpiryReport none;
    watch.check(cfg, none, synced(false), t0, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "time.sync_lost");
    CHECK(events[0].level == "warning");
    watch.check(cfg, none, synced(false), t0 + 23h, s0 + 23h);
    CHECK(capture.take().empty());
    watch.check(cfg, none, synced(false), t0 + 24h, s0 + 24h);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "time.unsynchronized");
    CHECK(events[0].level == "critical");
    CHECK(events[0].fields["unsynchronized_s"] == "86400");
    watch.check(cfg, none, synced(false), t0 + 30h, s0 + 30h);
    CHECK(capture.take().empty()); // once a day
    watch.check(cfg, none, synced(true), t0 + 31h, s0 + 31h);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "time.sync_restored");
    CHECK(events[0].fields["unsynchronized_s"] == std::to_string(31 * 3600));
}

TEST_CASE("the alert rules certificate_expiry and clock_unsynchronized fire on those events", "[health][alerts]") {
    config::AlertsConfig cfg;
    AlertEngine alerts(cfg);
    const LogField cert[] = {{"kind", "server"}, {"subject", "CN=gw"}, {"not_after", "2026-12-04T00:00:00.000+09:00"}};
    alerts.record(spdlog::level::warn, "certificate.expiring", cert);
    CHECK(alerts.fired() == 1);
    alerts.record(spdlog::level::warn, "certificate.expiring", cert);
    CHECK(alerts.fired() == 1); // the same object and threshold within the window: held back
    const LogField crl[] = {{"file", "x.crl"}, {"next_update", "2026-12-04T00:00:00.000+09:00"}, {"threshold", "30d"}};
    alerts.record(spdlog::level::warn, "crl.expiring", crl);
    CHECK(alerts.fired() == 2); // another object: its own alert
    const LogField crl_7d[] = {{"file", "x.crl"}, {"next_update", "2026-12-04T00:00:00.000+09:00"}, {"threshold", "7d"}};
    alerts.record(spdlog::level::warn, "crl.expiring", crl_7d);
    CHECK(alerts.fired() == 3); // the next threshold of the same CRL: its own alert too
    const LogField clock[] = {{"unsynchronized_s", "86400"}};
    alerts.record(spdlog::level::critical, "time.sync_lost", clock);
    CHECK(alerts.fired() == 3); // a warning, not yet an alert
    alerts.record(spdlog::level::critical, "time.unsynchronized", clock);
    CHECK(alerts.fired() == 4);
}

TEST_CASE("a volume short of free space is reported when it crosses, daily, and when it has room again",
          "[health][volumes]") {
    Capture capture;
    VolumeWatch watch;
    const std::vector<VolumeWatch::Volume> volumes{{"audit", "/tmp/audit.log"}};
    // 100 %: any volume that is not entirely free is short; 0: never.
    watch.check(volumes, 100, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "volume.space_low");
    CHECK(events[0].level == "warning");
    CHECK(events[0].fields["volume"] == "audit");
    CHECK(events[0].fields["path"] == "/tmp");
    CHECK(events[0].fields["threshold_percent"] == "100");
    REQUIRE(watch.readings().size() == 1);
    CHECK(watch.readings()[0].low);
    REQUIRE(watch.readings()[0].space);
    CHECK(watch.readings()[0].space->size_bytes > 0);
    const auto metrics = watch.render_prometheus();
    CHECK_THAT(metrics, Catch::Contains("sekisho_volume_low{volume=\"audit\"} 1") &&
                            Catch::Contains("sekisho_volume_free_bytes{volume=\"audit\"} ") &&
                            Catch::Contains("sekisho_volume_free_ratio{volume=\"audit\"} 0."));

    watch.check(volumes, 100, s0 + 1h);
    CHECK(capture.take().empty()); // said once
    watch.check(volumes, 100, s0 + 25h);
    CHECK(capture.take().size() == 1); // and again a day later
    watch.check(volumes, 0, s0 + 26h);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "volume.space_ok");
    CHECK_FALSE(watch.readings()[0].low);

    watch.check({{"audit", "/nonexistent-sekisho-folder/audit.log"}}, 20, s0 + 27h);
    events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "volume.check_failed");
    CHECK_THAT(events[0].fields["reason"], Catch::Contains("/nonexistent-sekisho-folder"));
}

TEST_CASE("the alert rule disk_space_low fires on volume.space_low", "[health][alerts]") {
    config::AlertsConfig cfg;
    AlertEngine alerts(cfg);
    const LogField low[] = {{"volume", "audit"}, {"path", "/var/log/sekisho"}, {"free_percent", "12.5"},
                            {"threshold_percent", "20"}};
    alerts.record(spdlog::level::warn, "volume.space_low", low);
    CHECK(alerts.fired() == 1);
    cfg.disabled_rules = {"disk_space_low"};
    AlertEngine quiet(cfg);
    quiet.record(spdlog::level::warn, "volume.space_low", low);
    CHECK(quiet.fired() == 0);
}
