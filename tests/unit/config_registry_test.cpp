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
    CHECK(problems[0].key == "registry");
    CHECK(problems[0].line == 12);
    CHECK_THAT(problems[0].reason, Catch::Contains("sqlite") && Catch::Contains("postgresql"));
    CHECK(problems[1].key == "registry.path");
}

TEST_CASE("enrollment: the issuing CA and a public https URL; it needs the registry", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("ca.crt");
    dir.write("ca.key");
    const std::string enrollment = "enrollment:\n  listen: 127.0.0.1:8444\n  public_url: https://enroll.example.jp:8444/\n"
                                   "  ca:\n    certificate: ca.crt\n    key: ca.key\n    crl: device-ca.crl\n"
                                   "  device_validity: 30d\n";
    const Config config = load_text(minimal_config + "registry:\n  sqlite: r.db\n" + enrollment, "test.yaml", dir.str());
    REQUIRE(config.enrollment.listen.has_value());
    CHECK(config.enrollment.listen->port == 8444);
    CHECK(config.enrollment.public_url == "https://enroll.example.jp:8444");
    CHECK(config.enrollment.ca.name == "device-ca");
    CHECK(config.enrollment.ca.crl == (dir.path() / "device-ca.crl").string());
    CHECK(config.enrollment.device_validity == Seconds(30 * 86400));
    CHECK(config.enrollment.crl_validity == Seconds(86400));

    auto problems = problems_of(minimal_config + enrollment, dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "enrollment");
    CHECK_THAT(problems[0].reason, Catch::Contains("registry.sqlite"));

    problems = problems_of(minimal_config + "registry:\n  sqlite: r.db\nenrollment:\n  listen: 127.0.0.1:8444\n"
                                            "  public_url: http://plain\n",
                           dir);
    std::vector<std::string> keys;
    for (const auto& p : problems) keys.push_back(p.key);
    CHECK(std::find(keys.begin(), keys.end(), "enrollment.public_url") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "enrollment.ca.certificate") != keys.end());
}

TEST_CASE("enrollment: renewal overlap, window and interval, with defaults", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("ca.crt");
    dir.write("ca.key");
    const std::string base = minimal_config + "registry:\n  sqlite: r.db\n"
                             "enrollment:\n  listen: 127.0.0.1:8444\n  public_url: https://enroll.example.jp:8444\n"
                             "  ca:\n    certificate: ca.crt\n    key: ca.key\n    crl: device-ca.crl\n";
    const Config defaults = load_text(base, "test.yaml", dir.str());
    CHECK(defaults.enrollment.renewal_overlap == Seconds(7 * 86400));
    CHECK(defaults.enrollment.renewal_window_percent == 33);
    CHECK(defaults.enrollment.renewal_min_interval == Seconds(3600));

    const Config set = load_text(base + "  renewal_overlap: 2d\n  renewal_window: 100%\n  renewal_min_interval: 0s\n",
                                 "test.yaml", dir.str());
    CHECK(set.enrollment.renewal_overlap == Seconds(2 * 86400));
    CHECK(set.enrollment.renewal_window_percent == 100);
    CHECK(set.enrollment.renewal_min_interval == Seconds(0));

    for (const char* wrong : {"33", "0%", "101%", "a third"}) {
        auto problems = problems_of(base + "  renewal_window: " + wrong + "\n", dir);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].key == "enrollment.renewal_window");
        CHECK_THAT(problems[0].reason, Catch::Contains("1% to 100%"));
    }
}
