// Reading the facts for real: failures counted from an audit trail's last 30 days (rotated
// files wholly before the period not even opened), and a backup folder that is missing.
#include "audit/audit_record.hpp"
#include "codec/jst_time.hpp"
#include "disclosure/collect.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace sekisho;

namespace {

namespace fs = std::filesystem;

std::string record_at(std::int64_t unix_seconds, std::string_view event, std::uint64_t seq) {
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
    return audit::render_record(seq, codec::jst_timestamp(t), event, {{"user", "u"}}, audit::kGenesis) + "\n";
}

} // namespace

TEST_CASE("failures are counted from the trail's records of the period only", "[disclosure]") {
    const fs::path dir = fs::temp_directory_path() / "sekisho-disclosure-collect-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::int64_t now = 1'796'000'000;
    const std::int64_t day = 86400;
    {
        std::ofstream live(dir / "audit.log");
        live << record_at(now - 40 * day, "login.failed", 1)      // before the period
             << record_at(now - 29 * day, "login.failed", 2)
             << record_at(now - 2 * day, "login.failed", 3)
             << record_at(now - 2 * day, "login.locked", 4)
             << record_at(now - 1 * day, "handshake.refused", 5)
             << record_at(now - 1 * day, "request", 6)
             << record_at(now - 1 * day, "login.break_glass", 7)
             << "not a record\n";
    }
    const auto counted = disclosure::count_failures((dir / "audit.log").string(), now, 30);
    CHECK(counted.days == 30);
    CHECK(counted.login_failures == 2);
    CHECK(counted.lockouts == 1);
    CHECK(counted.handshake_refusals == 1);
    CHECK(counted.break_glass_logins == 1);
    CHECK(counted.records == 6);
    fs::remove_all(dir);
}

TEST_CASE("a backup folder that does not exist has no generation, and says nothing is verified", "[disclosure]") {
    const auto facts = disclosure::inspect_backups("/nonexistent/sekisho-backups", 1'796'000'000);
    CHECK(facts.complete_generations == 0);
    CHECK(facts.newest.empty());
    CHECK_FALSE(facts.verified);
}
