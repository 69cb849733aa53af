// Free space of the volumes the gateway writes to (REQUIREMENTS §5: monitor storage
// capacity): the audit trail's folder and the SQLite registry's folder, read with statvfs
// — the space an unprivileged writer may still use, root's reserve left out. A background
// thread looks every alerts.volume_check_interval (check()); /metrics and the dashboard
// read the last look from memory (never a system call on an I/O thread). A volume with
// less than alerts.disk_free_percent free is reported as volume.space_low (warn; the alert
// rule disk_space_low) when it crosses, then once a day while it lasts, and
// volume.space_ok (info) once it has room again — well before a write fails, which is the
// audit_failure rule's matter.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::gateway {

struct VolumeSpace {
    std::uint64_t free_bytes = 0; // available to an unprivileged writer
    std::uint64_t size_bytes = 0;
    double free_ratio() const { return size_bytes ? static_cast<double>(free_bytes) / static_cast<double>(size_bytes) : 0; }
};

// statvfs of the folder that holds file; nullopt with error set when it fails.
std::optional<VolumeSpace> read_volume_space(const std::string& file, std::string& error);

class VolumeWatch {
public:
    struct Volume {
        std::string name; // "audit", "registry": the metric's label
        std::string file; // a file on it (its folder is looked at)
    };
    struct Reading {
        std::string name, file;
        std::optional<VolumeSpace> space; // none: the last look failed
        bool low = false;
    };

    // One look at every volume; reports what crossed or is due (any thread but an I/O one).
    void check(const std::vector<Volume>& volumes, unsigned threshold_percent,
               std::chrono::steady_clock::time_point now);

    std::vector<Reading> readings() const;
    // sekisho_volume_free_bytes, _size_bytes, _free_ratio and _low, by {volume}.
    std::string render_prometheus() const;

private:
    struct State {
        Reading reading;
        std::optional<std::chrono::steady_clock::time_point> reported; // last volume.space_low
        bool failing = false;
    };
    mutable std::mutex mutex_;
    std::map<std::string, State> states_;
};

} // namespace sekisho::gateway
