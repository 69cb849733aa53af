#include "disclosure/collect.hpp"

#include "audit/trail_files.hpp"
#include "backup/generations.hpp"
#include "backup/manifest.hpp"
#include "backup/verify.hpp"
#include "codec/clock_sync.hpp"
#include "codec/jst_time.hpp"
#include "codec/sha256.hpp"
#include "pki/pem_io.hpp"
#include "store/user_registry.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <iterator>
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
    // Counted by the database: a fleet's registry is never read whole for a number.
    auto devices = registry.devices().count_devices();
    out.devices_active = static_cast<std::size_t>(devices.active);
    out.devices_temporary = static_cast<std::size_t>(devices.temporary_active);
    out.devices_suspended = static_cast<std::size_t>(devices.suspended);
    out.devices_revoked = static_cast<std::size_t>(devices.revoked);
    facilities.insert(std::make_move_iterator(devices.facilities.begin()), std::make_move_iterator(devices.facilities.end()));
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

namespace {

// A generation's manifest, read (not verified) to learn when it was made and to tell a copy
// from a generation of its own: nullopt when it cannot be read.
struct GenerationStamp {
    std::string created_at;
    std::string generation;
    std::string digest; // SHA-256 of manifest.json
};

std::optional<GenerationStamp> stamp_of(const backup::Generation& generation) {
    try {
        const auto path = (std::filesystem::path(generation.path) / "manifest.json").string();
        const auto text = pki::read_file(path, 4 * 1024 * 1024);
        const auto manifest = backup::parse_manifest(text, path);
        return GenerationStamp{manifest.created_at, manifest.generation, codec::sha256_hex(text)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// How far in the future a generation may seem to be made (clocks of two hosts).
constexpr std::int64_t kClockSkew = 300;

} // namespace

BackupFacts inspect_backups(const std::string& dir, std::int64_t now) {
    BackupFacts out;
    out.dir = dir;
    out.read_at = now;
    std::vector<backup::Generation> generations;
    try {
        generations = backup::list_generations(dir);
    } catch (const std::exception& e) {
        out.problems.push_back(e.what());
        return out;
    }
    // Only a generation whose manifest names it counts, once per distinct manifest: a folder
    // copied under another name (a "fresh" generation that is an old one, or one counted
    // twice) is a problem, not a generation. Its time is the manifest's, not the folder's name.
    std::set<std::string> digests;
    for (const auto& generation : generations) {
        if (!generation.complete) continue;
        const auto stamp = stamp_of(generation);
        if (!stamp) {
            out.problems.push_back(generation.name + ": manifest.json cannot be read");
            continue;
        }
        if (stamp->generation != generation.name) {
            out.problems.push_back(generation.name + ": its manifest is generation " + stamp->generation +
                                   "'s (a copy under another name)");
            continue;
        }
        if (!digests.insert(stamp->digest).second) {
            out.problems.push_back(generation.name + ": the same manifest as a newer generation");
            continue;
        }
        ++out.complete_generations;
        if (!out.newest.empty()) continue;
        out.newest = generation.name;
        // "2026-12-07T02:00:00.123+09:00": to the second is enough.
        std::string created = stamp->created_at;
        if (created.size() > 20 && created[19] == '.') {
            const auto end = created.find_first_not_of("0123456789", 20);
            created.erase(19, end == std::string::npos ? std::string::npos : end - 19);
        }
        const auto made = codec::parse_jst_time(created);
        if (!made) {
            out.problems.push_back(generation.name + ": the manifest's created_at '" + stamp->created_at +
                                   "' is not a time");
            continue;
        }
        out.newest_age = now - std::chrono::duration_cast<std::chrono::seconds>(made->time_since_epoch()).count();
        if (*out.newest_age < -kClockSkew) {
            out.problems.push_back(generation.name + ": made in the future (" + stamp->created_at + ")");
            continue; // not verified: a generation of tomorrow is no evidence of today
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

namespace {

// The slow readings of an earlier document, reused within CollectOptions::reuse_for.
struct Reuse {
    std::mutex mutex;
    std::map<std::string, std::pair<std::int64_t, FailureFacts>> failures; // file → (read at, facts)
    std::map<std::string, std::pair<std::int64_t, BackupFacts>> backups;   // dir + generations → …
};

Reuse& reuse() {
    static Reuse r;
    return r;
}

std::string generations_key(const std::string& dir) {
    std::string key = dir;
    try {
        for (const auto& g : backup::list_generations(dir)) key += "\n" + g.name + (g.complete ? "+" : "-");
    } catch (const std::exception&) {
    }
    return key;
}

template <class Facts, class Read>
Facts reused(std::map<std::string, std::pair<std::int64_t, Facts>>& cache, const std::string& key, std::int64_t now,
             std::int64_t reuse_for, Read read) {
    if (reuse_for > 0) {
        std::lock_guard lock(reuse().mutex);
        if (const auto it = cache.find(key); it != cache.end() && now - it->second.first < reuse_for)
            return it->second.second;
    }
    auto facts = read(); // outside the lock: the gateway makes one document at a time anyway
    if (reuse_for > 0) {
        std::lock_guard lock(reuse().mutex);
        cache[key] = {now, facts};
    }
    return facts;
}

} // namespace

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
            facts.failures = reused(reuse().failures, config.audit.file + "\n" + std::to_string(options.failure_days),
                                    facts.now, options.reuse_for,
                                    [&] { return count_failures(config.audit.file, facts.now, options.failure_days); });
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
    if (config.backup) {
        facts.backups = reused(reuse().backups, generations_key(config.backup->dir), facts.now, options.reuse_for,
                               [&] { return inspect_backups(config.backup->dir, facts.now); });
        // An age read earlier has grown since.
        if (facts.backups->newest_age) *facts.backups->newest_age += facts.now - facts.backups->read_at;
        facts.backups->read_at = facts.now;
    }
    const auto sync = codec::read_clock_sync();
    facts.clock = ClockFacts{sync.synchronized, static_cast<long>(sync.max_error_seconds * 1e6)};
    return facts;
}

} // namespace sekisho::disclosure
