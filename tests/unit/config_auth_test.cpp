#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

const std::string head = R"(listen: 0.0.0.0:8443
tls:
  certificate: server.crt
  key: server.key
  client_ca: ca.pem
assertion:
  signing_key: assertion.key
)";

std::string with_routes(const std::string& extra_route_keys, bool registry = true) {
    return head + (registry ? "registry:\n  sqlite: r.db\n" : "") +
           "routes:\n  - name: emr\n    hosts: [emr.example.jp]\n    upstream: https://10.0.0.5\n" + extra_route_keys;
}

} // namespace

TEST_CASE("routes need a login once a registry holds the users; login: false opts out", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(with_routes(""), "test.yaml", dir.str());
    CHECK(config.routes[0].login);
    CHECK(config.login_required_somewhere());
    CHECK(config.auth.sessions.idle_timeout == Seconds(15 * 60));
    CHECK(config.auth.sessions.absolute_timeout == Seconds(10 * 3600));
    CHECK(config.auth.sessions.max_per_user == 3);
    CHECK(config.auth.sessions.on_limit == SessionLimitAction::refuse);
    CHECK(config.auth.lockout.max_failures == 5);
    CHECK(config.auth.argon2.memory_kib == 19456);
    CHECK(config.auth.failure_delay == Seconds(1));

    config = load_text(with_routes("    login: false\n"), "test.yaml", dir.str());
    CHECK_FALSE(config.routes[0].login);
    config = load_text(with_routes("", false), "test.yaml", dir.str());
    CHECK_FALSE(config.routes[0].login); // device-only without a registry

    const auto problems = problems_of(with_routes("    login: true\n", false), dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "routes[0].login");
    CHECK_THAT(problems[0].reason, Catch::Contains("registry.sqlite"));
}

TEST_CASE("route roles, cross-facility roles and API routes", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    const auto config = load_text(
        with_routes("    roles: [doctor, nurse]\n    cross_facility_roles: [regional-admin]\n    api: true\n"),
        "test.yaml", dir.str());
    CHECK(config.routes[0].roles == std::vector<std::string>{"doctor", "nurse"});
    CHECK(config.routes[0].cross_facility_roles == std::vector<std::string>{"regional-admin"});
    CHECK(config.routes[0].api);

    auto problems = problems_of(with_routes("    roles: [Doctor]\n"), dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("not a role name"));
    problems = problems_of(with_routes("    login: false\n    roles: [doctor]\n"), dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "routes[0].roles");
}

TEST_CASE("the auth section: sessions, lockout, spraying, windows, break-glass", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    const std::string auth = R"(auth:
  sessions:
    idle_timeout: 5m
    absolute_timeout: 8h
    max_per_user: 2
    on_limit: evict_oldest
  argon2: {memory_kib: 65536, iterations: 3, parallelism: 2}
  lockout: {max_failures: 3, window: 10m, lock: 1h}
  spraying: {per_terminal: 20, per_source: 50, window: 5m, block: 30m}
  failure_delay: 2s
  login_notice: false
  login_windows:
    - role: clerk
      days: [mon, tue, wed, thu, fri]
      hours: "08:30-18:00"
  break_glass: {enabled: true, max_duration: 2h}
)";
    const auto config = load_text(with_routes("") + auth, "test.yaml", dir.str());
    const auto& a = config.auth;
    CHECK(a.sessions.idle_timeout == Seconds(300));
    CHECK(a.sessions.max_per_user == 2);
    CHECK(a.sessions.on_limit == SessionLimitAction::evict_oldest);
    CHECK(a.argon2.memory_kib == 65536);
    CHECK(a.lockout.lock == Seconds(3600));
    CHECK(a.spraying.per_terminal == 20);
    CHECK(a.failure_delay == Seconds(2));
    CHECK_FALSE(a.login_notice);
    REQUIRE(a.login_windows.size() == 1);
    CHECK(a.login_windows[0].role == "clerk");
    CHECK(a.login_windows[0].days == 0x1f);
    CHECK(a.login_windows[0].start_minute == 510);
    CHECK(a.login_windows[0].end_minute == 1080);
    CHECK(a.break_glass.enabled);
    CHECK(a.break_glass.max_duration == Seconds(7200));
    CHECK(a.password_rule == PasswordRule::letters_digits_symbols); // the guideline unless chosen otherwise
}

TEST_CASE("auth.password_rule: the guideline by default, the old 3-of-4 only when chosen", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(with_routes("") + "auth:\n  password_rule: three_of_four\n", "test.yaml", dir.str());
    CHECK(config.auth.password_rule == PasswordRule::three_of_four);
    auto problems = problems_of(with_routes("") + "auth:\n  password_rule: 3of4\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "auth.password_rule");
    CHECK_THAT(problems[0].reason, Catch::Contains("letters_digits_symbols") && Catch::Contains("three_of_four"));
}

TEST_CASE("auth problems name the key and what to write instead", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto problems = problems_of(with_routes("") + "auth:\n  argon2: {memory_kib: 1024}\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "auth.argon2.memory_kib");
    CHECK_THAT(problems[0].reason, Catch::Contains("19456"));

    problems = problems_of(with_routes("") + "auth:\n  sessions: {idle_timeout: 11h}\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "auth.sessions.idle_timeout");

    problems = problems_of(with_routes("") + "auth:\n  login_windows:\n    - role: clerk\n      days: [monday]\n"
                                              "      hours: 18:00-08:00\n", dir);
    REQUIRE(problems.size() == 2);
    CHECK_THAT(problems[0].reason, Catch::Contains("not a day"));
    CHECK_THAT(problems[1].reason, Catch::Contains("07:00-21:00"));

    problems = problems_of(with_routes("", false) + "auth:\n  failure_delay: 1s\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "auth");
}

TEST_CASE("alerts: webhook URL, window and rule names are checked", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto problems = problems_of(with_routes("", false) + "alerts:\n  webhook: ftp://x\n  disabled_rules: [lockout, nosuch]\n", dir);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].key == "alerts.webhook");
    CHECK_THAT(problems[1].reason, Catch::Contains("no alert rule"));
    const auto config = load_text(with_routes("", false) + "alerts:\n  disabled_rules: [lockout]\n", "test.yaml", dir.str());
    CHECK(config.alerts.disabled_rules == std::vector<std::string>{"lockout"});
    CHECK(config.alerts.enabled);
}

TEST_CASE("alerts.facilities: a webhook per facility, checked like the operator's", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    const auto config = load_text(with_routes("", false) +
                                      "alerts:\n  webhook: https://ops.example.jp/hook\n  facilities:\n"
                                      "    north-clinic:\n      webhook: https://soc.north.example.jp/a\n"
                                      "    south:\n      webhook: http://10.0.0.9:8080/b\n",
                                  "test.yaml", dir.str());
    CHECK(config.alerts.facility_webhooks ==
          std::map<std::string, std::string>{{"north-clinic", "https://soc.north.example.jp/a"},
                                             {"south", "http://10.0.0.9:8080/b"}});

    auto problems = problems_of(with_routes("", false) +
                                    "alerts:\n  facilities:\n    north:\n      webhok: https://x.example.jp/\n"
                                    "    south:\n      webhook: ftp://x\n    east: https://x.example.jp/\n",
                                dir);
    REQUIRE(problems.size() == 4);
    CHECK(problems[0].key == "alerts.facilities.north.webhook"); // required
    CHECK(problems[1].key == "alerts.facilities.north.webhok");
    CHECK_THAT(problems[1].reason, Catch::Contains("did you mean 'webhook'"));
    CHECK(problems[2].key == "alerts.facilities.south.webhook");
    CHECK_THAT(problems[2].reason, Catch::Contains("http:// or https://"));
    CHECK(problems[3].key == "alerts.facilities.east");
    CHECK_THAT(problems[3].reason, Catch::Contains("group of settings"));
}
