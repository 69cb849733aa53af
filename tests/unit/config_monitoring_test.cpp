// The admin listener's exposure rule, the audit trail's syslog copy and the expiry/clock
// alert settings (issue 5).
#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

TEST_CASE("admin: loopback by default, anything else only with TLS and an operator CA", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(minimal_config + "admin:\n  listen: 9443\n", "test.yaml", dir.str());
    REQUIRE(config.admin.listen);
    CHECK(config.admin.listen->to_string() == "127.0.0.1:9443");
    CHECK_FALSE(config.admin.tls);

    config = load_text(minimal_config + "admin:\n  listen: '[::1]:9443'\n", "test.yaml", dir.str());
    CHECK(config.admin.listen->host == "::1");

    auto problems = problems_of(minimal_config + "admin:\n  listen: 0.0.0.0:9443\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "admin.listen");
    CHECK(problems[0].line == 13);
    CHECK_THAT(problems[0].reason, Catch::Contains("not a loopback address") && Catch::Contains("admin.tls"));

    dir.write("admin.crt");
    dir.write("admin.key");
    dir.write("operators.pem");
    config = load_text(minimal_config + "admin:\n  listen: 0.0.0.0:9443\n  tls:\n    certificate: admin.crt\n"
                                        "    key: admin.key\n    client_ca: operators.pem\n",
                       "test.yaml", dir.str());
    REQUIRE(config.admin.tls);
    CHECK(config.admin.tls->client_ca == (dir.path() / "operators.pem").string());

    problems = problems_of(minimal_config + "admin:\n  listen: 10.0.0.7:9443\n  tls:\n    certificate: admin.crt\n"
                                            "    key: admin.key\n",
                           dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "admin.tls.client_ca");
}

TEST_CASE("admin.api: only over admin.tls, only from the listed addresses", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("admin.crt");
    dir.write("admin.key");
    dir.write("operators.pem");
    dir.write("operators.crl");
    const std::string tls = "admin:\n  listen: 0.0.0.0:9443\n  tls:\n    certificate: admin.crt\n"
                            "    key: admin.key\n    client_ca: operators.pem\n    crl: [operators.crl]\n";
    auto config = load_text(minimal_config + tls + "  api:\n    allow_from: [10.20.0.0/24, '2001:db8::/32']\n",
                            "test.yaml", dir.str());
    REQUIRE(config.admin.api);
    REQUIRE(config.admin.api->allow_from.size() == 2);
    CHECK(config.admin.api->allow_from[0].text == "10.20.0.0/24");
    CHECK_FALSE(load_text(minimal_config + tls, "test.yaml", dir.str()).admin.api);

    auto problems = problems_of(minimal_config + tls + "  api:\n    allow_from: [10.20.0.0/33]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "admin.api.allow_from[0]");

    problems = problems_of(minimal_config + tls + "  api: {}\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "admin.api.allow_from");

    // Without a CRL, an administrator who leaves keeps the certificate half of the login.
    const std::string no_crl = "admin:\n  listen: 0.0.0.0:9443\n  tls:\n    certificate: admin.crt\n"
                               "    key: admin.key\n    client_ca: operators.pem\n";
    problems = problems_of(minimal_config + no_crl + "  api:\n    allow_from: [10.20.0.0/24]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("admin.tls.crl"));

    // Without TLS there is no operator certificate: the API would have one factor.
    problems = problems_of(minimal_config + "admin:\n  listen: 9443\n  api:\n    allow_from: [127.0.0.1]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("needs admin.tls"));
}

TEST_CASE("is_loopback_host", "[config]") {
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.9.8.7"));
    CHECK(is_loopback_host("::1"));
    CHECK(is_loopback_host("localhost"));
    CHECK_FALSE(is_loopback_host("0.0.0.0"));
    CHECK_FALSE(is_loopback_host("128.0.0.1"));
    CHECK_FALSE(is_loopback_host("127.0.0.1.example.jp"));
    CHECK_FALSE(is_loopback_host("::"));
}

TEST_CASE("audit.syslog: address, transport, facility", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    std::filesystem::create_directories(dir.path() / "audit");
    auto config = load_text(minimal_config + "audit:\n  file: audit/audit.log\n  syslog:\n    address: 127.0.0.1:5514\n"
                                             "    transport: tcp\n    facility: local4\n",
                            "test.yaml", dir.str());
    REQUIRE(config.audit.syslog);
    CHECK(config.audit.syslog->address.to_string() == "127.0.0.1:5514");
    CHECK(config.audit.syslog->tcp);
    CHECK(config.audit.syslog->facility == 20);
    CHECK(config.audit.syslog->app_name == "sekisho");

    config = load_text(minimal_config + "audit:\n  file: audit/audit.log\n  syslog:\n    address: 127.0.0.1:514\n",
                       "test.yaml", dir.str());
    CHECK_FALSE(config.audit.syslog->tcp);
    CHECK(config.audit.syslog->facility == 10); // authpriv

    auto problems = problems_of(minimal_config + "audit:\n  file: audit/audit.log\n  syslog:\n    address: 127.0.0.1:514\n"
                                                 "    transport: relp\n    facility: mail2\n",
                                dir);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].key == "audit.syslog.transport");
    CHECK(problems[1].key == "audit.syslog.facility");
    CHECK_THAT(problems[1].reason, Catch::Contains("no syslog facility"));

    problems = problems_of(minimal_config + "audit:\n  file: audit/audit.log\n  syslog:\n    transport: udp\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "audit.syslog.address");
}

TEST_CASE("alerts: expiry warning and clock limits, the new rule names", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(minimal_config, "test.yaml", dir.str());
    CHECK(config.alerts.expiry_warnings == std::vector<Seconds>{Seconds(30 * 86400), Seconds(7 * 86400)});
    CHECK(config.alerts.clock_unsynchronized_after == Seconds(86400));
    config = load_text(minimal_config + "alerts:\n  expiry_warning: 14d\n  clock_unsynchronized_after: 6h\n"
                                        "  disabled_rules: [certificate_expiry, clock_unsynchronized]\n",
                       "test.yaml", dir.str());
    CHECK(config.alerts.expiry_warnings == std::vector<Seconds>{Seconds(14 * 86400)}); // the older single form
    CHECK(config.alerts.clock_unsynchronized_after == Seconds(6 * 3600));
    CHECK(config.alerts.disabled_rules.size() == 2);
    auto problems = problems_of(minimal_config + "alerts:\n  disabled_rules: [clock]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("clock_unsynchronized") && Catch::Contains("certificate_expiry"));
}

TEST_CASE("audit retention and free-space settings: 5 years and 20 % unless said otherwise", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(minimal_config + "audit:\n  file: audit.log\n", "test.yaml", dir.str());
    CHECK(config.audit.retention == Seconds(1827 * 86400));
    CHECK(config.audit.purge);
    CHECK(config.alerts.disk_free_percent == 20);
    CHECK(config.alerts.volume_check_interval == Seconds(60));
    config = load_text(minimal_config + "audit:\n  file: audit.log\n  retention: 3660d\n  purge: false\n"
                                        "alerts:\n  disk_free_percent: 10\n  volume_check_interval: 5s\n"
                                        "  disabled_rules: [disk_space_low]\n",
                       "test.yaml", dir.str());
    CHECK(config.audit.retention == Seconds(3660 * 86400));
    CHECK_FALSE(config.audit.purge);
    CHECK(config.alerts.disk_free_percent == 10);
    CHECK(config.alerts.volume_check_interval == Seconds(5));
    auto problems = problems_of(minimal_config + "audit:\n  file: audit.log\n  retention: 12h\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "audit.retention");
    problems = problems_of(minimal_config + "alerts:\n  disk_free_percent: 101\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "alerts.disk_free_percent");
}

TEST_CASE("alerts.expiry_warnings: a list of thresholds, sorted, checked", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    auto config = load_text(minimal_config + "alerts:\n  expiry_warnings: [7d, 60d, 30d]\n", "test.yaml", dir.str());
    CHECK(config.alerts.expiry_warnings ==
          std::vector<Seconds>{Seconds(60 * 86400), Seconds(30 * 86400), Seconds(7 * 86400)});
    auto problems = problems_of(minimal_config + "alerts:\n  expiry_warnings: [30d, 30d]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "alerts.expiry_warnings[1]");
    CHECK_THAT(problems[0].reason, Catch::Contains("twice"));
    problems = problems_of(minimal_config + "alerts:\n  expiry_warnings: [30d, 400d]\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("between 1h and 365d"));
    problems = problems_of(minimal_config + "alerts:\n  expiry_warnings: [30d]\n  expiry_warning: 7d\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "alerts.expiry_warning");
}
