#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

TEST_CASE("registry.sqlite may name a database that does not exist yet", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("data/.keep");
    const Config config = load_text(minimal_config + "registry:\n  sqlite: data/registry.db\n", "test.yaml", dir.str());
    CHECK(config.registry.sqlite == (dir.path() / "data" / "registry.db").string());

    const Config without = load_text(minimal_config, "test.yaml", dir.str());
    CHECK(without.registry.sqlite.empty());
}

TEST_CASE("registry problems name the key and the missing folder", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto problems = problems_of(minimal_config + "registry:\n  sqlite: nowhere/registry.db\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "registry.sqlite");
    CHECK(problems[0].line == 13);
    CHECK_THAT(problems[0].reason, Catch::Contains("folder not found"));

    problems = problems_of(minimal_config + "registry:\n  path: x.db\n", dir);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].key == "registry.sqlite");
    CHECK(problems[1].key == "registry.path");
}
