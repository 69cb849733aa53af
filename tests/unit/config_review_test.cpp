// The keys of the periodic review (issue 16): how often the gateway writes last-seen times,
// and the optional policy that disables unused accounts (off unless set).
#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

const std::string with_registry = minimal_config + "registry:\n  sqlite: r.db\n";

void require_problem(const std::string& text, const TempDir& dir, const std::string& key, const std::string& reason) {
    const auto problems = problems_of(text, dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == key);
    CHECK_THAT(problems[0].reason, Catch::Contains(reason));
}

} // namespace

TEST_CASE("registry.last_seen_flush: 5 minutes by default, from a second to an hour", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    CHECK(load_text(with_registry, "test.yaml", dir.str()).registry.last_seen_flush == Seconds(300));
    CHECK(load_text(with_registry + "  last_seen_flush: 1s\n", "test.yaml", dir.str()).registry.last_seen_flush ==
          Seconds(1));
    require_problem(with_registry + "  last_seen_flush: 0s\n", dir, "registry.last_seen_flush", "between 1s and 1h");
    require_problem(with_registry + "  last_seen_flush: 2h\n", dir, "registry.last_seen_flush", "between 1s and 1h");
}

TEST_CASE("auth.disable_unused_after: off unless set, in whole days from 1d", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    CHECK_FALSE(load_text(with_registry, "test.yaml", dir.str()).auth.disable_unused_after);
    const auto on = load_text(with_registry + "auth:\n  disable_unused_after: 90d\n", "test.yaml", dir.str());
    CHECK(on.auth.disable_unused_after == Seconds(90 * 86400));
    require_problem(with_registry + "auth:\n  disable_unused_after: 12h\n", dir, "auth.disable_unused_after",
                    "between 1d and 3650d");
    require_problem(with_registry + "auth:\n  disable_unused_after: 90\n", dir, "auth.disable_unused_after",
                    "needs a unit");
}
