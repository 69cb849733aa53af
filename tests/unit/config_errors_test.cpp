// Broken configurations: each must name the right key and line with an actionable reason.
#include "config/load.hpp"
#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

TEST_CASE("unknown keys are errors, with a suggestion", "[config][errors]") {
    SECTION("top level") {
        require_single_problem(minimal_config + "worker: 4\n", "worker", 12,
                               "unknown key (did you mean 'workers'?)");
    }
    SECTION("nested in a route") {
        require_single_problem(minimal_config + "    pathprefix: /x\n", "routes[0].pathprefix", 12,
                               "unknown key (did you mean 'path_prefix'?)");
    }
    SECTION("nested in a section, nothing close: lists what is allowed") {
        require_single_problem(minimal_with("  key: server.key\n", "  key: server.key\n  colour: red\n"),
                               "tls.colour", 5, "allowed here:");
    }
}

TEST_CASE("enumerations name the allowed values", "[config][errors]") {
    require_single_problem(minimal_with("tls:\n", "tls:\n  profile: tls1.3\n"), "tls.profile", 3,
                           "must be one of tls13, tls12-high-security");
    require_single_problem(minimal_config + "log:\n  level: warning\n", "log.level", 13,
                           "must be one of trace, debug, info, warn, error, critical, off");
    require_single_problem(minimal_config + "log:\n  format: xml\n", "log.format", 13,
                           "must be one of text, json");
}

TEST_CASE("missing required keys", "[config][errors]") {
    require_single_problem(minimal_with("  client_ca: ca.pem\n", ""), "tls.client_ca", 2, "is required");
    require_single_problem(minimal_with("listen: 0.0.0.0:8443\n", ""), "listen", 1, "is required");
    require_single_problem(minimal_with("    upstream: https://10.0.0.5\n", ""), "routes[0].upstream",
                           9, "is required");
    require_single_problem(minimal_with("    hosts: [emr.example.jp]\n", "    hosts: []\n"),
                           "routes[0].hosts", 10, "needs at least one");

    TempDir dir;
    write_minimal_files(dir);
    const auto problems = problems_of("workers: 1\n", dir);
    std::vector<std::string> keys;
    for (const auto& problem : problems) keys.push_back(problem.key);
    CHECK(keys == std::vector<std::string>{"listen", "tls.certificate", "tls.key", "tls.client_ca",
                                           "assertion.signing_key", "routes"});
}

TEST_CASE("durations need a known unit and stay in range", "[config][errors]") {
    require_single_problem(minimal_config + "timeouts:\n  handshake: 10x\n", "timeouts.handshake", 13,
                           "unknown unit 'x'");
    require_single_problem(minimal_config + "timeouts:\n  drain: 500ms\n", "timeouts.drain", 13,
                           "unknown unit 'ms'");
    require_single_problem(minimal_with("  signing_key: assertion.key\n",
                                        "  signing_key: assertion.key\n  ttl: 30\n"),
                           "assertion.ttl", 8, "needs a unit, e.g. 30s");
    require_single_problem(minimal_with("  signing_key: assertion.key\n",
                                        "  signing_key: assertion.key\n  ttl: 61s\n"),
                           "assertion.ttl", 8, "must be between 1s and 60s");
    require_single_problem(minimal_config + "timeouts:\n  upstream_idle: 0s\n",
                           "timeouts.upstream_idle", 13, "must be at least 1s");
}

TEST_CASE("endpoints need host and port", "[config][errors]") {
    require_single_problem(minimal_with("0.0.0.0:8443", "0.0.0.0"), "listen", 1, "needs a port");
    require_single_problem(minimal_with("0.0.0.0:8443", "0.0.0.0:70000"), "listen", 1,
                           "must be a number from 1 to 65535");
    require_single_problem(minimal_with("0.0.0.0:8443", "::1:8443"), "listen", 1,
                           "IPv6 addresses must be written in brackets");
    require_single_problem(minimal_config + "admin:\n  listen: :9443\n", "admin.listen", 13,
                           "needs a host");
}

TEST_CASE("upstream URLs: http or https, host and port only", "[config][errors]") {
    require_single_problem(minimal_with("https://10.0.0.5", "ftp://10.0.0.5"), "routes[0].upstream", 11,
                           "use http:// or https://");
    require_single_problem(minimal_with("https://10.0.0.5", "https://10.0.0.5/emr"),
                           "routes[0].upstream", 11, "must not contain a path");
    require_single_problem(minimal_with("https://10.0.0.5", "https://10.0.0.5?a=1"),
                           "routes[0].upstream", 11, "must not contain a query");
    require_single_problem(minimal_with("https://10.0.0.5", "https://admin:pw@10.0.0.5"),
                           "routes[0].upstream", 11, "must not contain a user name");
    require_single_problem(minimal_with("https://10.0.0.5", "10.0.0.5:443"), "routes[0].upstream", 11,
                           "must be a URL");
}

TEST_CASE("routes: names, hosts and prefixes", "[config][errors]") {
    const std::string second_route = "  - name: emr2\n    hosts: [EMR.example.jp]\n"
                                     "    upstream: http://10.0.0.6\n";
    require_single_problem(minimal_config + second_route, "routes[1].hosts[0]", 13,
                           "host 'emr.example.jp' with path_prefix '/' is already served by route "
                           "'emr' (line 10)");
    require_single_problem(minimal_config + "  - name: emr\n    hosts: [x.example.jp]\n"
                                            "    upstream: http://10.0.0.6\n",
                           "routes[1].name", 12, "route name 'emr' is already used on line 9");
    require_single_problem(minimal_with("name: emr", "name: e m r"), "routes[0].name", 9,
                           "may contain only letters");
    require_single_problem(minimal_with("[emr.example.jp]", "[emr.example.jp:8443]"),
                           "routes[0].hosts[0]", 10, "without a port");
    require_single_problem(minimal_with("[emr.example.jp]", "[\"*.example.jp\"]"),
                           "routes[0].hosts[0]", 10, "wildcards are not supported");
    require_single_problem(minimal_config + "    path_prefix: viewer/\n", "routes[0].path_prefix", 12,
                           "must start with '/'");
    require_single_problem(minimal_with("routes:\n  - name: emr\n    hosts: [emr.example.jp]\n"
                                        "    upstream: https://10.0.0.5\n",
                                        "routes: []\n"),
                           "routes", 8, "needs at least one entry");
}

TEST_CASE("referenced files must exist", "[config][errors]") {
    TempDir dir;
    write_minimal_files(dir);
    const auto problems = problems_of(minimal_with("ca.pem", "pki/missing-ca.pem"), dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "tls.client_ca");
    CHECK(problems[0].line == 5);
    CHECK(problems[0].reason == "file not found: " + (dir.path() / "pki/missing-ca.pem").string());

    const auto crl_problems =
        problems_of(minimal_with("  key: server.key\n", "  key: server.key\n  crl: [ca.pem, gone.crl]\n"), dir);
    REQUIRE(crl_problems.size() == 1);
    CHECK(crl_problems[0].key == "tls.crl[1]");
    CHECK(crl_problems[0].line == 5);

    fs::create_directory(dir.path() / "folder");
    const auto folder_problems = problems_of(minimal_with("server.crt", "folder"), dir);
    REQUIRE(folder_problems.size() == 1);
    CHECK_THAT(folder_problems[0].reason, Catch::Contains("is a folder"));
}

TEST_CASE("YAML syntax errors carry the line", "[config][errors]") {
    require_single_problem("listen: 0.0.0.0:8443\ntls:\n  certificate: [a, b\n", "", 4,
                           "YAML syntax error");
    require_single_problem("listen: 0.0.0.0:8443\ntls:\n  certificate: a\n    key: b\n", "", 4,
                           "YAML syntax error: illegal map value");
    require_single_problem("", "", 0, "the configuration is empty");
    require_single_problem("- a\n- b\n", "", 1, "the top level must be settings");
}

TEST_CASE("pkcs11 keys need tls.pkcs11_module", "[config][errors]") {
    require_single_problem(minimal_with("key: server.key", "key: \"pkcs11:token=t;object=k\""),
                           "tls.key", 4, "needs tls.pkcs11_module");
    require_single_problem(minimal_config + "upstream_tls:\n  certificate: server.crt\n"
                                            "  key: pkcs11:object=gw\n",
                           "upstream_tls.key", 14, "needs tls.pkcs11_module");
}

TEST_CASE("upstream_tls certificate and key go together", "[config][errors]") {
    require_single_problem(minimal_config + "upstream_tls:\n  certificate: server.crt\n",
                           "upstream_tls.certificate", 13, "give both");
    require_single_problem(minimal_config + "    upstream_tls:\n      key: server.key\n",
                           "routes[0].upstream_tls.key", 13, "give both");
    require_single_problem(minimal_with("https://10.0.0.5", "http://10.0.0.5") +
                               "    upstream_tls:\n      ca: ca.pem\n",
                           "routes[0].upstream_tls", 12, "has no effect");
}

TEST_CASE("wrong value types are errors", "[config][errors]") {
    require_single_problem("workers: abc\n" + minimal_config, "workers", 1, "must be a whole number");
    require_single_problem("workers: 257\n" + minimal_config, "workers", 1, "must be at most 256");
    require_single_problem("workers: -1\n" + minimal_config, "workers", 1, "must not be negative");
    require_single_problem(minimal_config + "limits:\n  max_body_bytes: 10MB\n", "limits.max_body_bytes",
                           13, "must be a whole number");
    require_single_problem(minimal_config + "    websocket: maybe\n", "routes[0].websocket", 12,
                           "must be true or false");
    require_single_problem(minimal_with("  certificate: server.crt\n", "  certificate: [server.crt]\n"),
                           "tls.certificate", 3, "must be a single value, not a list");
    require_single_problem(minimal_config + "admin: 127.0.0.1:9443\n", "admin", 12,
                           "must be a group of settings");
    require_single_problem(minimal_with("    hosts: [emr.example.jp]\n", "    hosts: {a: b}\n"),
                           "routes[0].hosts", 10, "must be a list");
    require_single_problem(minimal_config + "listen: 127.0.0.1:1\n", "listen", 12, "duplicate key");
}

TEST_CASE("all problems are collected and reported together", "[config][errors]") {
    TempDir dir;
    write_minimal_files(dir);
    const std::string text = R"(workers: lots
listen: 0.0.0.0
tls:
  profile: tls11
  certificate: server.crt
  key: server.key
  client_ca: ca.pem
assertion:
  signing_key: assertion.key
  ttl: 61s
routes:
  - name: emr
    hosts: [emr.example.jp]
    upstream: ftp://10.0.0.5
    colour: red
)";
    try {
        load_text(text, "multi.yaml", dir.str());
        FAIL("expected ConfigError");
    } catch (const ConfigError& error) {
        const auto& problems = error.problems();
        std::vector<std::pair<int, std::string>> where;
        std::string joined;
        for (const auto& problem : problems) {
            where.emplace_back(problem.line, problem.key);
            joined += (joined.empty() ? "" : "\n") + problem.to_string();
        }
        CHECK(where == std::vector<std::pair<int, std::string>>{{1, "workers"},
                                                                 {2, "listen"},
                                                                 {4, "tls.profile"},
                                                                 {10, "assertion.ttl"},
                                                                 {14, "routes[0].upstream"},
                                                                 {15, "routes[0].colour"}});
        CHECK(std::string(error.what()) == joined);
        CHECK_THAT(joined, Catch::StartsWith("multi.yaml:1: workers: must be a whole number"));
    }
}
