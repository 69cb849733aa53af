#include "gateway/events/volume_watch.hpp"

#include "gateway/events/log.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sys/statvfs.h>

namespace sekisho::gateway {

namespace {

constexpr std::chrono::hours kRepeat{24};

std::string percent_text(double ratio) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", ratio * 100);
    return buf;
}

} // namespace

std::optional<VolumeSpace> read_volume_space(const std::string& file, std::string& error) {
    auto folder = std::filesystem::path(file).parent_path();
    if (folder.empty()) folder = ".";
    struct statvfs st {};
    if (::statvfs(folder.c_str(), &st) != 0) {
        error = "cannot read the free space of " + folder.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    const std::uint64_t unit = st.f_frsize ? st.f_frsize : st.f_bsize;
    return VolumeSpace{static_cast<std::uint64_t>(st.f_bavail) * unit, static_cast<std::uint64_t>(st.f_blocks) * unit};
}

void VolumeWatch::check(const std::vector<Volume>& volumes, unsigned threshold_percent,
                        std::chrono::steady_clock::time_point now) {
    for (const auto& v : volumes) {
        std::string error;
        const auto space = read_volume_space(v.file, error);
        std::unique_lock lock(mutex_);
        auto& state = states_[v.name];
        state.reading.name = v.name;
        state.reading.file = v.file;
        state.reading.space = space;
        if (!space) {
            const bool first = !std::exchange(state.failing, true);
            lock.unlock();
            if (first) log_event(spdlog::level::err, "volume.check_failed", {{"volume", v.name}, {"reason", error}});
            continue;
        }
        state.failing = false;
        const bool low = threshold_percent > 0 && space->free_ratio() * 100 < threshold_percent;
        const bool was_low = std::exchange(state.reading.low, low);
        const bool due = low && (!state.reported || now - *state.reported >= kRepeat);
        if (due) state.reported = now;
        if (!low) state.reported.reset();
        lock.unlock();
        const auto folder = std::filesystem::path(v.file).parent_path().string();
        if (due)
            log_event(spdlog::level::warn, "volume.space_low",
                      {{"volume", v.name}, {"path", folder}, {"free_bytes", std::to_string(space->free_bytes)},
                       {"size_bytes", std::to_string(space->size_bytes)}, {"free_percent", percent_text(space->free_ratio())},
                       {"threshold_percent", std::to_string(threshold_percent)},
                       {"detail", "free space is running out: make room or grow the volume before writes fail"}});
        else if (was_low && !low)
            log_event(spdlog::level::info, "volume.space_ok",
                      {{"volume", v.name}, {"path", folder}, {"free_bytes", std::to_string(space->free_bytes)},
                       {"free_percent", percent_text(space->free_ratio())},
                       {"threshold_percent", std::to_string(threshold_percent)}});
    }
}

std::vector<VolumeWatch::Reading> VolumeWatch::readings() const {
    std::lock_guard lock(mutex_);
    std::vector<Reading> out;
    for (const auto& [name, state] : states_) out.push_back(state.reading);
    return out;
}

std::string VolumeWatch::render_prometheus() const {
    const auto all = readings();
    if (all.empty()) return {};
    std::string out;
    const auto family = [&](const char* name, const char* help, auto value) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n";
        for (const auto& r : all) {
            if (!r.space) continue;
            char buf[64];
            value(*r.space, r.low, buf, sizeof buf);
            out += std::string(name) + "{volume=\"" + r.name + "\"} " + buf + "\n";
        }
    };
    family("sekisho_volume_free_bytes", "Bytes an unprivileged writer may still use on the volume (statvfs).",
           [](const VolumeSpace& s, bool, char* buf, std::size_t n) {
               std::snprintf(buf, n, "%llu", static_cast<unsigned long long>(s.free_bytes));
           });
    family("sekisho_volume_size_bytes", "Size of the volume in bytes.",
           [](const VolumeSpace& s, bool, char* buf, std::size_t n) {
               std::snprintf(buf, n, "%llu", static_cast<unsigned long long>(s.size_bytes));
           });
    family("sekisho_volume_free_ratio", "Free share of the volume, 0 to 1.",
           [](const VolumeSpace& s, bool, char* buf, std::size_t n) { std::snprintf(buf, n, "%.6f", s.free_ratio()); });
    family("sekisho_volume_low", "1 while the volume has less free space than alerts.disk_free_percent.",
           [](const VolumeSpace&, bool low, char* buf, std::size_t n) { std::snprintf(buf, n, "%d", low ? 1 : 0); });
    return out;
}

} // namespace sekisho::gateway
