// backup: (issue 17): where the backup generations are, for the self-disclosure — a folder
// that backup create makes or already made, and how old the newest may be.
#include "config_test_support.hpp"

#include <filesystem>
#include <fstream>

using namespace sekisho::config;
using namespace sekisho::config::test;

TEST_CASE("backup.dir: absent by default, resolved, a folder or one that can be made there", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    CHECK_FALSE(load_text(minimal_config, "test.yaml", dir.str()).backup);
    const auto made_later = load_text(minimal_config + "backup:\n  dir: backups\n", "test.yaml", dir.str());
    REQUIRE(made_later.backup);
    CHECK(made_later.backup->dir == (std::filesystem::path(dir.str()) / "backups").string());
    CHECK(made_later.backup->max_age == Seconds(48 * 3600));
    std::filesystem::create_directory(std::filesystem::path(dir.str()) / "backups");
    const auto made = load_text(minimal_config + "backup:\n  dir: backups\n  max_age: 26h\n", "test.yaml", dir.str());
    CHECK(made.backup->max_age == Seconds(26 * 3600));

    std::ofstream(std::filesystem::path(dir.str()) / "plain-file") << "x";
    auto problems = problems_of(minimal_config + "backup:\n  dir: plain-file\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "backup.dir");
    CHECK_THAT(problems[0].reason, Catch::Contains("is a file, not a folder"));
    problems = problems_of(minimal_config + "backup:\n  dir: no/such/parent\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("folder not found"));
    problems = problems_of(minimal_config + "backup:\n  max_age: 48h\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "backup.dir");
}

TEST_CASE("the configuration keeps the bytes it was loaded from, for their SHA-256", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    CHECK(load_text(minimal_config, "test.yaml", dir.str()).source_text == minimal_config);
}
