// HealthWatch: certificates and CRLs near their end and an unsynchronised clock become
// events once when they start and once a day while they last; the alert rules fire on them.
// So does a volume short of free space (VolumeWatch).
#include "gateway/events/alerts.hpp"
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
    r.items.push_back({"server", "CN=gw.example.jp", at});
    r.items.push_back({"crl", "/etc/sekisho/device-ca.crl", at + 86400 * 30}); // far off
    return r;
}

ClockSync synced(bool yes) {
    ClockSync c;
    c.synchronized = yes;
    c.max_error_seconds = yes ? 0.01 : 20;
    return c;
}

} // namespace

TEST_CASE("a certificate within the warning is reported at once, then daily", "[health]") {
    config::AlertsConfig cfg;
    Capture capture;
    HealthWatch watch;
    watch.check(cfg, expiring_in(3 * 86400s), synced(true), t0, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "certificate.expiring");
    CHECK(events[0].level == "warning");
    CHECK(events[0].fields["kind"] == "server");
    CHECK(events[0].fields["subject"] == "CN=gw.example.jp");
    CHECK(events[0].fields["seconds_left"] == std::to_string(3 * 86400));
    CHECK(events[0].fields["not_after"].ends_with("+09:00"));

    watch.check(cfg, expiring_in(3 * 86400s - 60s), synced(true), t0 + 60s, s0 + 60s);
    CHECK(capture.take().empty()); // a minute later: nothing new
    watch.check(cfg, expiring_in(2 * 86400s), synced(true), t0 + 25h, s0 + 25h);
    CHECK(capture.take().size() == 1); // a day later: reminded

    watch.check(cfg, expiring_in(8 * 86400s), synced(true), t0 + 26h, s0 + 26h);
    CHECK(capture.take().empty()); // renewed
}

TEST_CASE("a CRL past nextUpdate is reported as such", "[health]") {
    config::AlertsConfig cfg;
    Capture capture;
    HealthWatch watch;
    ExpiryReport r;
    r.items.push_back({"crl", "/x/device-ca.crl", 1'800'000'000 - 10});
    watch.check(cfg, r, synced(true), t0, s0);
    auto events = capture.take();
    REQUIRE(events.size() == 1);
    CHECK(events[0].event == "crl.expiring");
    CHECK(events[0].fields["file"] == "/x/device-ca.crl");
    CHECK(events[0].fields["seconds_left"] == "-10");
    CHECK(events[0].fields["detail"] == "the CRL is past its nextUpdate");
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
    const LogField crl[] = {{"file", "x.crl"}, {"next_update", "2026-12-04T00:00:00.000+09:00"}};
    alerts.record(spdlog::level::warn, "crl.expiring", crl);
    CHECK(alerts.fired() == 1); // the same rule within its window: held back
    const LogField clock[] = {{"unsynchronized_s", "86400"}};
    alerts.record(spdlog::level::critical, "time.sync_lost", clock);
    CHECK(alerts.fired() == 1); // a warning, not yet an alert
    alerts.record(spdlog::level::critical, "time.unsynchronized", clock);
    CHECK(alerts.fired() == 2);
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
