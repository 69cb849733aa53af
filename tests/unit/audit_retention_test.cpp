// Retention with a deletion duty: rotated files past audit.retention are recorded in the
// retention register and deleted, files of a legal hold are kept, and the whole trail
// still verifies afterwards — while a file deleted without a record is still found.
#include "audit/audit_log.hpp"
#include "audit/audit_verify.hpp"
#include "audit/legal_hold.hpp"
#include "audit/retention.hpp"
#include "audit/retention_register.hpp"
#include "audit/trail_files.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sekisho::audit;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sekisho-retention-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        path = pattern;
    }
    ~TempDir() { fs::remove_all(path); }
};

void write_events(const fs::path& file, int count, std::uint64_t max_bytes = 0) {
    AuditLogOptions options;
    options.path = file.string();
    options.max_bytes = max_bytes;
    AuditLog log(options);
    for (int i = 0; i < count; ++i) log.append("login.failed", {{"user", "user" + std::to_string(i)}});
}

// A trail of `rotated` closed files and a live one, the closed ones renamed as the rotation
// names them but years ago (oldest first): what five years of daily rotation leaves.
std::vector<std::string> old_trail(const fs::path& file, int rotated) {
    write_events(file, rotated * 3 + 2, 3 * 120); // records of ~110 bytes: three a file
    auto files = rotated_files(file.string());
    REQUIRE(static_cast<int>(files.size()) >= rotated);
    std::vector<std::string> renamed;
    for (std::size_t i = 0; i < files.size(); ++i) {
        REQUIRE(i < 28);
        const auto day = std::to_string(101 + i).substr(1); // 01, 02, ...
        const auto name = file.string() + ".201901" + day + "T000000.000";
        fs::rename(files[i], name);
        renamed.push_back(name);
    }
    return renamed;
}

PurgeOptions purge_of(const fs::path& file, bool dry_run = false) {
    return PurgeOptions{file.string(), 86400s, "test", dry_run, std::chrono::system_clock::now()};
}

} // namespace

TEST_CASE("rotated files past retention are recorded, then deleted; the trail still verifies", "[audit][retention]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    const auto old = old_trail(file, 3);
    write_events(file, 1); // a young rotation-free record in the live file

    const auto dry = purge_expired(purge_of(file, true));
    CHECK(dry.purged.size() == old.size());
    CHECK(fs::exists(old.front()));
    CHECK_FALSE(fs::exists(retention_register_path(file.string()))); // a dry run writes nothing

    const auto report = purge_expired(purge_of(file));
    REQUIRE(report.purged.size() == old.size());
    for (const auto& f : old) CHECK_FALSE(fs::exists(f));
    CHECK(fs::exists(file)); // the live file is never purged

    const auto records = read_retention_register(retention_register_path(file.string()));
    REQUIRE(records.size() == old.size());
    CHECK(records[0].event == "audit.purged");
    CHECK(field_of(records[0], "file") == fs::path(old[0]).filename().string());
    CHECK(field_of(records[0], "first_seq") == "1");
    CHECK(field_of(records[0], "retention") == "1d");
    CHECK(field_of(records[0], "by") == "test");

    const auto checked = verify_trail(file.string(), nullptr);
    INFO(checked.problem);
    CHECK(checked.ok);
    CHECK(checked.purged_files == old.size());
    CHECK(checked.first_seq == report.purged.back().last_seq + 1);
    // Nothing left to do the second time.
    CHECK(purge_expired(purge_of(file)).purged.empty());
}

TEST_CASE("a file deleted without a record is found, the oldest one too", "[audit][retention]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    const auto old = old_trail(file, 3);
    REQUIRE(verify_trail(file.string(), nullptr).ok);

    SECTION("the oldest") {
        fs::remove(old.front());
        const auto result = verify_trail(file.string(), nullptr);
        CHECK_FALSE(result.ok);
        CHECK_THAT(result.problem, Catch::Contains("no purge in the retention register accounts for them"));
        CHECK(verify_chain(rotated_files(file.string()), nullptr).ok); // a piece of a trail is fine
    }
    SECTION("after a recorded purge, the next one") {
        // The newest closed file closed an hour ago: within retention, kept.
        const auto young = file.string() + "." + compact_stamp(std::chrono::system_clock::now() - 1h);
        fs::rename(old.back(), young);
        CHECK(purge_expired(purge_of(file)).purged.size() == old.size() - 1);
        REQUIRE(verify_trail(file.string(), nullptr).ok);
        fs::remove(young);
        CHECK_FALSE(verify_trail(file.string(), nullptr).ok);
    }
    SECTION("a register changed afterwards") {
        REQUIRE(purge_expired(purge_of(file)).purged.size() == old.size());
        const auto reg = retention_register_path(file.string());
        std::ifstream in(reg);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        text.replace(text.find("\"by\":\"test\""), 11, "\"by\":\"evil\"");
        std::ofstream(reg, std::ios::trunc) << text;
        const auto result = verify_trail(file.string(), nullptr);
        CHECK_FALSE(result.ok);
        CHECK_THAT(result.problem, Catch::Contains("the retention register is broken"));
    }
}

TEST_CASE("a legal hold keeps its records' files; lifted, they follow retention again", "[audit][retention]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    const auto old = old_trail(file, 3);
    std::string error;
    const auto first = parse_record(*first_line(old[1]), &error);
    REQUIRE(first);
    LegalHold hold;
    hold.name = "case-2026-041";
    hold.reason = "inspection of 2026-11-22";
    hold.by = "test";
    hold.first_seq = first->seq; // one record of the middle file is enough
    hold.last_seq = first->seq;
    add_hold(file.string(), hold);
    CHECK_THROWS_WITH(add_hold(file.string(), hold), Catch::Contains("exists already"));
    hold.name = "../escape";
    CHECK_THROWS_WITH(add_hold(file.string(), hold), Catch::Contains("is no hold name"));

    const auto report = purge_expired(purge_of(file));
    REQUIRE(report.held.size() == 1);
    CHECK(report.held[0].path == old[1]);
    CHECK(report.held[0].held_by == "case-2026-041");
    CHECK(report.purged.size() == old.size() - 1);
    CHECK(fs::exists(old[1]));
    const auto bridged = verify_trail(file.string(), nullptr); // gaps before and after the held file
    INFO(bridged.problem);
    CHECK(bridged.ok);

    remove_hold(file.string(), "case-2026-041", "test2");
    CHECK(read_holds(file.string()).empty());
    CHECK(purge_expired(purge_of(file)).purged.size() == 1);
    CHECK_FALSE(fs::exists(old[1]));
    CHECK(verify_trail(file.string(), nullptr).ok);
    std::vector<std::string> events;
    for (const auto& r : read_retention_register(retention_register_path(file.string()))) events.push_back(r.event);
    std::vector<std::string> expected{"audit.hold_added"};
    expected.insert(expected.end(), old.size() - 1, "audit.purged");
    expected.push_back("audit.hold_removed");
    expected.push_back("audit.purged");
    CHECK(events == expected);
}

TEST_CASE("with every file purged, the next record continues the chain from the register", "[audit][retention]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 4);
    fs::rename(file, file.string() + ".20190101T000000.000"); // closed years ago; no live file
    REQUIRE(purge_expired(purge_of(file)).purged.size() == 1);
    write_events(file, 1);
    const auto result = verify_trail(file.string(), nullptr);
    INFO(result.problem);
    CHECK(result.ok);
    CHECK(result.first_seq == 5);
}

TEST_CASE("a deletion recorded but not done (a crash) is done by the next purge, recorded once", "[audit][retention]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    const auto old = old_trail(file, 2);
    const auto copy = dir.path / "saved";
    fs::copy_file(old[0], copy);
    REQUIRE(purge_expired(purge_of(file)).purged.size() == old.size());
    fs::copy_file(copy, old[0]); // as if the crash came between the record and the unlink
    CHECK(purge_expired(purge_of(file)).purged.size() == 1);
    CHECK_FALSE(fs::exists(old[0]));
    CHECK(read_retention_register(retention_register_path(file.string())).size() == old.size());
}
