#include "disclosure/collect.hpp"

#include "audit/trail_files.hpp"
#include "backup/generations.hpp"
#include "backup/verify.hpp"
#include "codec/clock_sync.hpp"
#include "codec/jst_time.hpp"
#include "codec/sha256.hpp"
#include "store/user_registry.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <set>

namespace sekisho::disclosure {

namespace {

using Clock = std::chrono::system_clock;

Clock::time_point at(std::int64_t unix_seconds) {
    return Clock::time_point(std::chrono::seconds(unix_seconds));
}

} // namespace

std::string gateway_version() {
    return SEKISHO_VERSION;
}

RegistryFacts count_registry(store::Registry& registry) {
    RegistryFacts out;
    out.location = registry.location();
    std::set<std::string> facilities;
    for (const auto& device : registry.devices().list_devices()) {
        switch (device.status) {
        case store::DeviceStatus::active:
            ++out.devices_active;
            if (device.temporary) ++out.devices_temporary;
            facilities.insert(device.facility);
            break;
        case store::DeviceStatus::suspended: ++out.devices_suspended; break;
        case store::DeviceStatus::revoked: ++out.devices_revoked; break;
        }
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    for (const auto& user : registry.users().list_users()) {
        if (user.status != store::UserStatus::active) {
            ++out.users_disabled;
            continue;
        }
        ++out.users_active;
        facilities.insert(user.facility);
        if (user.locked_until && *user.locked_until > now) ++out.users_locked;
        if (user.break_glass) ++out.break_glass_accounts;
        bool administrator = false;
        for (const auto& role : user.roles)
            if (store::is_administration_role(role)) {
                ++out.administrators_by_role[role];
                administrator = true;
            }
        if (administrator) ++out.administrators;
    }
    facilities.erase("");
    out.facilities = facilities.size();
    return out;
}

namespace {

// The time and event of a record line, read off its canonical head ({"seq":N,"time":"…",
// "event":"…",…}) without parsing the rest: a month of trail is mostly request records.
bool record_head(std::string_view line, std::string_view& time, std::string_view& event) {
    constexpr std::string_view kTime = "\"time\":\"", kEvent = "\"event\":\"";
    const auto t = line.find(kTime);
    if (t == std::string_view::npos || t > 32) return false;
    const auto t_end = line.find('"', t + kTime.size());
    if (t_end == std::string_view::npos) return false;
    time = line.substr(t + kTime.size(), t_end - t - kTime.size());
    if (line.compare(t_end + 1, 1, ",") != 0 || line.compare(t_end + 2, kEvent.size(), kEvent) != 0) return false;
    const auto e = t_end + 2 + kEvent.size();
    const auto e_end = line.find('"', e);
    if (e_end == std::string_view::npos) return false;
    event = line.substr(e, e_end - e);
    return true;
}

} // namespace

FailureFacts count_failures(const std::string& audit_file, std::int64_t now, int days) {
    FailureFacts out;
    out.days = days;
    // Records carry RFC 3339 JST stamps, rotated files a compact JST close stamp: each form
    // sorts by time as text.
    const auto since_time = at(now - std::int64_t(days) * 86400);
    const auto since = codec::jst_timestamp(since_time);
    const auto since_closed = audit::compact_stamp(since_time);
    const auto rotated = audit::rotated_files(audit_file);
    for (const auto& file : audit::trail_files(audit_file)) {
        const bool closed = std::find(rotated.begin(), rotated.end(), file) != rotated.end();
        if (closed && audit::closed_stamp(file) < since_closed) continue; // wholly before the period
        std::ifstream in(file);
        std::string line;
        while (std::getline(in, line)) {
            std::string_view time, e;
            if (!record_head(line, time, e) || time < since) continue;
            ++out.records;
            if (e == "login.failed") ++out.login_failures;
            else if (e == "login.locked") ++out.lockouts;
            else if (e == "handshake.refused") ++out.handshake_refusals;
            else if (e == "session.crossover") ++out.crossovers;
            else if (e == "login.spraying_blocked") ++out.spraying_blocks;
            else if (e == "login.break_glass") ++out.break_glass_logins;
        }
    }
    return out;
}

BackupFacts inspect_backups(const std::string& dir, std::int64_t now) {
    BackupFacts out;
    out.dir = dir;
    std::vector<backup::Generation> generations;
    try {
        generations = backup::list_generations(dir);
    } catch (const std::exception& e) {
        out.problems.push_back(e.what());
        return out;
    }
    for (const auto& generation : generations) {
        if (!generation.complete) continue;
        ++out.complete_generations;
        if (!out.newest.empty()) continue;
        out.newest = generation.name;
        // The name is the JST time it was made: "2026-12-07T084621+0900" (maybe "-2").
        const auto& n = generation.name;
        if (n.size() >= 22) {
            const std::string stamp = n.substr(0, 10) + "T" + n.substr(11, 2) + ":" + n.substr(13, 2) + ":" +
                                      n.substr(15, 2) + n.substr(17, 3) + ":" + n.substr(20, 2);
            if (const auto made = codec::parse_jst_time(stamp))
                out.newest_age = now - std::chrono::duration_cast<std::chrono::seconds>(made->time_since_epoch()).count();
        }
        try {
            const auto report = backup::verify_generation(generation.path, nullptr);
            out.verified = report.ok();
            for (const auto& problem : report.problems) out.problems.push_back(generation.name + ": " + problem);
        } catch (const std::exception& e) {
            out.problems.push_back(generation.name + ": " + e.what());
        }
    }
    return out;
}

Facts collect_facts(const config::Config& config, const CollectOptions& options) {
    Facts facts;
    facts.config = config;
    std::error_code error;
    if (const auto absolute = std::filesystem::absolute(config.source_file, error); !error && !config.source_file.empty())
        facts.config.source_file = absolute.lexically_normal().string();
    facts.source = options.source;
    facts.version = gateway_version();
    facts.now = std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
    // The bytes this snapshot was made from: in the gateway, the configuration it runs, even
    // when the file has been edited since.
    facts.config_sha256 = codec::sha256_hex(config.source_text);
    if (config.registry.configured()) {
        try {
            auto registry = options.registry ? options.registry : store::open_registry(config.registry);
            facts.registry = count_registry(*registry);
        } catch (const std::exception& e) {
            facts.registry_problem = e.what();
        }
    }
    if (!config.audit.file.empty()) {
        try {
            facts.failures = count_failures(config.audit.file, facts.now, options.failure_days);
        } catch (const std::exception& e) {
            facts.failures_problem = e.what();
        }
        struct stat st {};
        AuditFileFacts file;
        if (::stat(config.audit.file.c_str(), &st) == 0) {
            file.exists = true;
            file.mode = st.st_mode & 07777;
        }
        facts.audit_file = file;
    }
    if (config.backup) facts.backups = inspect_backups(config.backup->dir, facts.now);
    const auto sync = codec::read_clock_sync();
    facts.clock = ClockFacts{sync.synchronized, static_cast<long>(sync.max_error_seconds * 1e6)};
    return facts;
}

} // namespace sekisho::disclosure
