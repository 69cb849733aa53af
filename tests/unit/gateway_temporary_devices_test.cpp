// Every event about a terminal enrolled with a temporary credential carries temporary=true,
// whichever room reported it: DeviceAdmission publishes the registry's marks, log.cpp adds
// the field to events naming such a device (device or presented_by).
#include "gateway/events/log.hpp"
#include "gateway/events/temporary_devices.hpp"
#include "gateway/tls/device_admission.hpp"
#include "store/clock.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <vector>

using namespace sekisho::gateway;

namespace {

class Capture final : public EventSink {
public:
    Capture() { attach_history_sink(this); }
    ~Capture() override { attach_history_sink(nullptr); }
    void record(spdlog::level::level_enum, std::string_view, std::span<const LogField> fields) override {
        std::lock_guard lock(mutex_);
        auto& last = events_.emplace_back();
        for (const auto& [k, v] : fields) last[std::string(k)] = std::string(v);
    }
    std::map<std::string, std::string> last() {
        std::lock_guard lock(mutex_);
        return events_.back();
    }

private:
    std::mutex mutex_;
    std::vector<std::map<std::string, std::string>> events_;
};

// A view admitting the given certificates (fingerprint, facility) for a day.
std::shared_ptr<DeviceView> view_of(std::initializer_list<std::pair<std::string, std::string>> admitted) {
    auto view = std::make_shared<DeviceView>();
    for (const auto& [fingerprint, facility] : admitted)
        view->bulk_add({fingerprint, facility, true, sekisho::store::system_clock_now() + 86400, false});
    view->seal();
    return view;
}

const std::string aa11(64, 'a'), bb22(64, 'b'), cc33(64, 'c');

} // namespace

TEST_CASE("events naming a temporary device say so; others do not", "[temporary]") {
    Capture capture;
    DeviceAdmission admission;
    admission.replace(view_of({{aa11, "north"}, {bb22, "north"}}), {aa11});
    CHECK(admission.is_temporary(aa11));
    CHECK_FALSE(admission.is_temporary(bb22));

    log_event(spdlog::level::info, "request", {{"path", "/"}, {"device", aa11}});
    CHECK(capture.last()["temporary"] == "true");
    log_event(spdlog::level::info, "login.succeeded", {{"user", "u"}, {"device", bb22}});
    CHECK_FALSE(capture.last().contains("temporary"));
    log_event(spdlog::level::warn, "session.crossover", {{"presented_by", aa11}});
    CHECK(capture.last()["temporary"] == "true");
    log_event(spdlog::level::info, "enrollment.enrolled", {{"device", aa11}, {"temporary", "false"}});
    CHECK(capture.last()["temporary"] == "false"); // the reporter's own word stands, once

    admission.admit(cc33, "south", sekisho::store::system_clock_now() + 86400, true); // enrolled just now, before the next registry poll
    CHECK(admission.is_temporary(cc33));
    log_event(spdlog::level::info, "request", {{"device", cc33}});
    CHECK(capture.last()["temporary"] == "true");

    admission.replace(view_of({{bb22, "north"}}), {aa11}); // the stand-in revoked: refused, still marked
    CHECK_FALSE(admission.admits(aa11));
    log_event(spdlog::level::warn, "handshake.refused", {{"reason", "revoked"}, {"device", aa11}});
    CHECK(capture.last()["temporary"] == "true");
    admission.replace(view_of({{bb22, "north"}}));
    CHECK_FALSE(is_temporary_device(aa11));
    log_event(spdlog::level::info, "request", {{"device", aa11}});
    CHECK_FALSE(capture.last().contains("temporary"));
}
