// The audit trail as an investigator relies on it: whatever is changed, removed, added or
// moved makes `verify` fail at that place; a crash or a rotation never breaks the chain.
#include "audit/audit_log.hpp"
#include "audit/audit_verify.hpp"
#include "pki/jws.hpp"
#include "pki/keygen.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sekisho;
using namespace sekisho::audit;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sekisho-audit-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        path = pattern;
    }
    ~TempDir() { fs::remove_all(path); }
};

std::vector<std::string> read_lines(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
    std::ofstream out(file, std::ios::trunc);
    for (const auto& line : lines) out << line << '\n';
}

struct Sealer {
    pki::EvpPkeyPtr public_key;
    std::unique_ptr<pki::Es256Signer> signer;
    Sealer() {
        auto key = pki::generate_key();
        EVP_PKEY_up_ref(key.get());
        public_key.reset(key.get());
        signer = std::make_unique<pki::Es256Signer>(pki::PrivateKey(std::move(key), nullptr));
    }
};

void write_events(const fs::path& file, int count, const pki::Es256Signer* sealer = nullptr,
                  std::uint64_t max_bytes = 0) {
    AuditLogOptions options;
    options.path = file.string();
    options.sealer = sealer;
    options.max_bytes = max_bytes;
    AuditLog log(options);
    for (int i = 0; i < count; ++i)
        log.append("login.failed", {{"user", "user" + std::to_string(i)}, {"reason", "bad_credentials"},
                                    {"event", "a field that must not shadow the event name"}});
}

} // namespace

TEST_CASE("records chain, number and stamp in JST; verify counts them", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 5);
    const auto lines = read_lines(file);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].starts_with("{\"seq\":1,\"time\":\""));
    CHECK(lines[0].find("+09:00\",\"event\":\"login.failed\",\"user\":\"user0\"") != std::string::npos);
    CHECK(lines[0].find("\"_event\":") != std::string::npos);
    CHECK(lines[0].ends_with("\"prev\":\"" + kGenesis + "\"}"));
    CHECK(lines[1].ends_with("\"prev\":\"" + record_hash(lines[0]) + "\"}"));

    const auto result = verify_chain({file.string()}, nullptr);
    CHECK(result.ok);
    CHECK(result.records == 5);
    CHECK(result.last_seq == 5);

    write_events(file, 3); // a restart continues the chain
    const auto again = verify_chain({file.string()}, nullptr);
    CHECK(again.ok);
    CHECK(again.records == 8);
}

TEST_CASE("verify catches an edit, a deletion, an insertion and a reordering", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 6);
    const auto original = read_lines(file);
    auto check_broken = [&](std::vector<std::string> lines, const std::string& expect_line) {
        write_lines(file, lines);
        const auto result = verify_chain({file.string()}, nullptr);
        CHECK_FALSE(result.ok);
        CHECK_THAT(result.problem, Catch::Contains(file.string() + ":" + expect_line + ":"));
    };
    auto edited = original;
    edited[2].replace(edited[2].find("user2"), 5, "admin");
    check_broken(edited, "4"); // the next record no longer chains
    auto deleted = original;
    deleted.erase(deleted.begin() + 3);
    check_broken(deleted, "4");
    auto inserted = original;
    inserted.insert(inserted.begin() + 2, original[1]);
    check_broken(inserted, "3");
    auto reordered = original;
    std::swap(reordered[1], reordered[4]);
    check_broken(reordered, "2");
    auto first_removed = original;
    first_removed.erase(first_removed.begin());
    write_lines(file, first_removed); // a file that starts mid-chain is fine on its own...
    CHECK(verify_chain({file.string()}, nullptr).ok);
}

TEST_CASE("seals sign the chain head and verify only with the sealing key", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    Sealer sealer;
    write_events(file, 4, sealer.signer.get());
    const auto lines = read_lines(file);
    REQUIRE(lines.size() == 5); // the close seals
    CHECK(lines.back().find("\"event\":\"audit.seal\"") != std::string::npos);
    auto ok = verify_chain({file.string()}, sealer.public_key.get());
    CHECK(ok.ok);
    CHECK(ok.seals == 1);
    CHECK(ok.unsealed_tail == 0);

    Sealer other;
    const auto wrong = verify_chain({file.string()}, other.public_key.get());
    CHECK_FALSE(wrong.ok);
    CHECK_THAT(wrong.problem, Catch::Contains("signature"));

    // Editing the last record before the seal is caught by the seal's head.
    auto edited = lines;
    edited[3].replace(edited[3].find("user3"), 5, "admin");
    write_lines(file, edited);
    CHECK_FALSE(verify_chain({file.string()}, sealer.public_key.get()).ok);
}

TEST_CASE("a torn last line from a crash is cut and the chain goes on", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 3);
    {
        std::ofstream out(file, std::ios::app);
        out << "{\"seq\":4,\"time\":\"2026-11-22T1"; // the crash
    }
    CHECK_FALSE(verify_chain({file.string()}, nullptr).ok);
    write_events(file, 2);
    const auto result = verify_chain({file.string()}, nullptr);
    CHECK(result.ok);
    CHECK(result.records == 5);
    CHECK(result.last_seq == 5);
}

TEST_CASE("rotation by size continues the chain in the next file", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 40, nullptr, 2000);
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir.path)) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end(), [&](const std::string& a, const std::string& b) {
        if (a == file.string()) return false; // the live file is the newest
        if (b == file.string()) return true;
        return a < b;
    });
    REQUIRE(files.size() > 2);
    for (const auto& f : files) CHECK(fs::file_size(f) <= 2000);
    const auto result = verify_chain(files, nullptr);
    CHECK(result.ok);
    CHECK(result.records == 40);
    std::swap(files[0], files[1]);
    CHECK_FALSE(verify_chain(files, nullptr).ok);
}

TEST_CASE("values that are not UTF-8 are written as U+FFFD and never break verify or a restart", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    {
        AuditLogOptions options;
        options.path = file.string();
        AuditLog log(std::move(options));
        // A stray byte, a truncated sequence, an overlong '/', a surrogate, then valid Japanese.
        log.append("login.failed", {{"user", "caf\xc3"}, {"path", "/a\xff\xfe/b"}, {"ticket", "\xc0\xaf-\xed\xa0\x80"},
                                    {"name\xff", "\xe5\x8f\x97\xe4\xbb\x98"}});
    }
    const auto lines = read_lines(file);
    REQUIRE(lines.size() == 1);
    std::string error;
    const auto record = parse_record(lines[0], &error);
    REQUIRE(record);
    const Fields expected{{"user", "caf\xef\xbf\xbd"},
                          {"path", "/a\xef\xbf\xbd\xef\xbf\xbd/b"},
                          {"ticket", "\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
                          {"name\xef\xbf\xbd", "\xe5\x8f\x97\xe4\xbb\x98"}};
    CHECK(record->fields == expected);
    CHECK(verify_chain({file.string()}, nullptr).ok);
    write_events(file, 1); // the next start continues after that record
    const auto again = verify_chain({file.string()}, nullptr);
    CHECK(again.ok);
    CHECK(again.records == 2);

    // A trail from a release that wrote raw bytes still verifies and still continues.
    auto raw = read_lines(file);
    raw.push_back(render_record(3, "2026-11-22T13:05:01.123+09:00", "login.failed", {}, record_hash(raw.back())));
    raw.back().insert(raw.back().find("\"prev\""), "\"user\":\"caf\xc3\",");
    write_lines(file, raw);
    CHECK(verify_chain({file.string()}, nullptr).ok);
    write_events(file, 1);
    CHECK(verify_chain({file.string()}, nullptr).last_seq == 4);
}

TEST_CASE("an empty or missing live file continues the chain of the newest rotated file", "[audit]") {
    TempDir dir;
    const auto file = dir.path / "audit.log";
    write_events(file, 3);
    fs::rename(file, dir.path / "audit.log.20261122T130501.123");
    std::ofstream(dir.path / "audit.log.ledger-seq") << "17\n"; // the ledger copy's cursor, not a rotation
    write_events(file, 2);
    std::ofstream(file, std::ios::trunc).close(); // emptied by hand
    write_events(file, 1);
    fs::remove(file);
    write_events(file, 1);
    const auto result = verify_chain({(dir.path / "audit.log.20261122T130501.123").string(), file.string()}, nullptr);
    CHECK(result.ok);
    CHECK(result.last_seq == 4); // what the lost live file held is gone; the chain goes on from 3
}
