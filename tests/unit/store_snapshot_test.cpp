// `sekishoctl backup`: the registry as one SQLite file — what is committed at one instant
// (on PostgreSQL too, in the suite's second run), checked without a byte changed, and
// restored only where no registry is.
#include "store_test_support.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;
using sekisho::store::test::make_nurse;
using sekisho::store::test::TempRegistry;

namespace {

std::int64_t rows_of(const SnapshotSummary& summary, const std::string& table) {
    for (const auto& [name, n] : summary.rows)
        if (name == table) return n;
    return -1;
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string snapshot_path(const TempRegistry& scratch) {
    return (std::filesystem::path(scratch.path()).parent_path() / "snapshot.db").string();
}

} // namespace

TEST_CASE("a registry snapshot holds the committed rows, checks sound unchanged, and restores only into a new file",
          "[store][snapshot]") {
    TempRegistry live;
    auto registry = live.open_registry();
    registry->devices().create_device("north", "cart", "admin:alice");
    make_nurse(registry->users());
    TempRegistry scratch(TempRegistry::Backend::sqlite);
    const auto snapshot = snapshot_path(scratch);

    const auto summary = snapshot_registry(live.config(), snapshot);
    CHECK(summary.location == live.location());
    CHECK(rows_of(summary, "devices") == 1);
    CHECK(rows_of(summary, "users") == 1);
    CHECK(summary.revision == registry->devices().revision());
    CHECK(summary.last_ledger_seq >= 2);
    CHECK_FALSE(std::filesystem::exists(snapshot + "-wal")); // one self-contained file
    CHECK_THROWS_WITH(snapshot_registry(live.config(), snapshot), Catch::Contains(snapshot));

    const auto before = bytes_of(snapshot);
    CHECK(rows_of(inspect_snapshot(snapshot), "devices") == 1);
    CHECK(bytes_of(snapshot) == before);
    CHECK_FALSE(std::filesystem::exists(snapshot + "-shm"));

    const auto report = restore_registry(snapshot, scratch.config());
    CHECK(report.to == scratch.path());
    CHECK(report.last_ledger_seq == summary.last_ledger_seq);
    CHECK(scratch.open_registry()->devices().list_devices().size() == 1);
    CHECK_THROWS_WITH(restore_registry(snapshot, scratch.config()), Catch::Contains("already exists"));
}

TEST_CASE("a snapshot taken while another writer holds its transaction has none of that writer's changes",
          "[store][snapshot][sqlite]") {
    TempRegistry live(TempRegistry::Backend::sqlite);
    auto registry = live.open_registry();
    registry->devices().create_device("north", "cart", "admin:alice");
    const auto revision = registry->devices().revision();
    sekisho::store::sqlite::Database other(live.path());
    sekisho::store::sqlite::Transaction held(other, sekisho::store::sqlite::Transaction::Kind::write, "hold");
    other.exec("UPDATE registry_revision SET revision = revision + 100 WHERE id = 1", "an uncommitted change");
    TempRegistry scratch(TempRegistry::Backend::sqlite);
    const auto summary = snapshot_registry(live.config(), snapshot_path(scratch)); // WAL: no wait for the writer
    CHECK(summary.revision == revision);
    held.commit();
    CHECK(registry->devices().revision() == revision + 100);
}

TEST_CASE("a damaged snapshot fails its check, naming the file", "[store][snapshot][sqlite]") {
    TempRegistry live(TempRegistry::Backend::sqlite);
    live.open_registry()->devices().create_device("north", "cart", "admin:alice");
    TempRegistry scratch(TempRegistry::Backend::sqlite);
    const auto snapshot = snapshot_path(scratch);
    snapshot_registry(live.config(), snapshot);
    {
        std::fstream file(snapshot, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(4096 + 8); // inside the second page: a table's b-tree
        const std::string garbage(512, '\xa5');
        file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    CHECK_THROWS_WITH(inspect_snapshot(snapshot), Catch::Contains(snapshot));
    CHECK_THROWS_WITH(restore_registry(snapshot, scratch.config()), Catch::Contains(snapshot));
    CHECK_FALSE(std::filesystem::exists(scratch.path()));
}
