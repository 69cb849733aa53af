// Valid configurations: the shipped example, defaults, file resolution, load_file.
#include "config/load.hpp"
#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

void write_example_files(const TempDir& dir) {
    for (const char* name :
         {"pki/server.crt", "pki/server.key", "pki/device-ca-bundle.pem", "pki/device-ca.crl",
          "pki/root-ca.crl", "pki/assertion.key", "pki/upstream-ca.pem",
          "pki/gateway-client.crt", "pki/gateway-client.key", "pki/device-ca.crt", "pki/device-ca.key",
          "pki/root-ca.crt", "pki/audit-seal.key", "audit/.keep"}) {
        dir.write(name);
    }
}

} // namespace

TEST_CASE("the shipped example configuration loads", "[config]") {
    TempDir dir;
    write_example_files(dir);
    const auto pki = dir.path() / "pki";
    const Config config = load_text(read_text_file(example_path()), "sekisho.yaml", dir.str());

    CHECK(config.source_file == "sekisho.yaml");
    CHECK(config.workers == 0);
    CHECK(config.log.level == "info");
    CHECK(config.log.format == LogFormat::text);
    CHECK(config.listen.host == "0.0.0.0");
    CHECK(config.listen.port == 8443);
    CHECK(config.audit.file == (dir.path() / "audit" / "audit.log").string());
    CHECK(config.audit.seal_key == (dir.path() / "pki" / "audit-seal.key").string());
    CHECK(config.audit.fsync == AuditFsync::batched);
    CHECK(config.audit.max_bytes == 100ull * 1024 * 1024);
    CHECK(config.auth.sessions.max_per_user == 3);
    CHECK(config.alerts.webhook == "https://alerts.example.jp/sekisho");
    CHECK(config.alerts.window == Seconds(300));
    CHECK(config.alerts.login_failures_per_facility == 10);
    CHECK(config.routes[0].roles == std::vector<std::string>{"doctor", "nurse"});

    CHECK(config.tls.profile == TlsProfile::tls13);
    CHECK(config.tls.certificate == (pki / "server.crt").string());
    CHECK(config.tls.key == (pki / "server.key").string());
    CHECK(config.tls.pkcs11_module.empty());
    CHECK(config.tls.client_ca == (pki / "device-ca-bundle.pem").string());
    CHECK(config.tls.crl ==
          std::vector<std::string>{(pki / "device-ca.crl").string(), (pki / "root-ca.crl").string()});
    CHECK_FALSE(config.tls.allow_expired_crl);
    CHECK(config.tls.session_tickets);
    CHECK(config.tls.session_lifetime == Seconds(3600));

    CHECK(config.limits.max_header_bytes == 16384);
    CHECK(config.limits.max_body_bytes == 10485760);
    CHECK(config.limits.max_headers == 100);

    CHECK(config.timeouts.handshake == Seconds(10));
    CHECK(config.timeouts.request_body == Seconds(30));
    CHECK(config.timeouts.keepalive_idle == Seconds(60));
    CHECK(config.timeouts.upstream_connect == Seconds(5));
    CHECK(config.timeouts.drain == Seconds(20));

    CHECK(config.assertion.signing_key.path == (pki / "assertion.key").string());
    CHECK(config.assertion.signing_key.key == "assertion.signing_key");
    CHECK(config.assertion.previous_keys.empty());
    CHECK(config.assertion.issuer == "sekisho");
    CHECK(config.assertion.ttl == Seconds(60));

    CHECK(config.upstream_tls.ca == (pki / "upstream-ca.pem").string());
    CHECK(config.upstream_tls.certificate == (pki / "gateway-client.crt").string());
    CHECK(config.upstream_tls.key == (pki / "gateway-client.key").string());
    CHECK(config.upstream_tls.server_name.empty());

    REQUIRE(config.admin.listen.has_value());
    CHECK(config.admin.listen->to_string() == "127.0.0.1:9443");

    REQUIRE(config.routes.size() == 2);
    const Route& emr = config.routes[0];
    CHECK(emr.name == "emr");
    CHECK(emr.hosts == std::vector<std::string>{"emr.example.jp"});
    CHECK(emr.path_prefix == "/");
    CHECK(emr.upstream.scheme == "https");
    CHECK(emr.upstream.host == "10.0.0.5");
    CHECK(emr.upstream.port == 443);
    CHECK(emr.upstream.url == "https://10.0.0.5:443");
    CHECK_FALSE(emr.upstream_tls.has_value());
    CHECK_FALSE(emr.websocket);
    CHECK(emr.audience == "https://emr.example.jp");

    const Route& pacs = config.routes[1];
    CHECK(pacs.name == "pacs-viewer");
    CHECK(pacs.path_prefix == "/viewer/");
    CHECK(pacs.upstream.scheme == "http");
    CHECK(pacs.upstream.port == 8080);
    CHECK(pacs.websocket);
    CHECK(pacs.audience == "pacs-viewer"); // defaults to the route name
}

TEST_CASE("load_file resolves paths against the file's folder", "[config]") {
    TempDir dir;
    write_example_files(dir);
    const auto file = dir.write("sekisho.yaml", read_text_file(example_path()));

    const Config config = load_file(file.string());
    CHECK(config.source_file == file.string());
    CHECK(config.tls.certificate == (dir.path() / "pki" / "server.crt").string());
}

TEST_CASE("load_file reports an unreadable file as one problem without a line", "[config]") {
    TempDir dir;
    const auto missing = (dir.path() / "nope.yaml").string();
    try {
        load_file(missing);
        FAIL("expected ConfigError");
    } catch (const ConfigError& error) {
        REQUIRE(error.problems().size() == 1);
        CHECK(error.problems()[0].file == missing);
        CHECK(error.problems()[0].line == 0);
        CHECK_THAT(error.problems()[0].reason, Catch::Contains("cannot read"));
        CHECK(std::string(error.what()) == error.problems()[0].to_string());
    }
}

TEST_CASE("a minimal configuration gets the documented defaults", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    const Config config = load_text(minimal_config, "test.yaml", dir.str());

    CHECK(config.workers == 0);
    CHECK(config.log.level == "info");
    CHECK(config.tls.profile == TlsProfile::tls13);
    CHECK(config.tls.crl.empty());
    CHECK(config.tls.session_tickets);
    CHECK(config.timeouts.upstream_response == Seconds(30));
    CHECK(config.assertion.issuer == "sekisho");
    CHECK(config.assertion.ttl == Seconds(60));
    CHECK_FALSE(config.admin.listen.has_value());
    CHECK(config.upstream_tls.ca.empty());
    REQUIRE(config.routes.size() == 1);
    CHECK(config.routes[0].path_prefix == "/");
    CHECK(config.routes[0].upstream.port == 443);
    CHECK(config.routes[0].audience == "emr");
}

TEST_CASE("optional forms: pkcs11 key, single CRL, route upstream_tls, IPv6", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("lib/libsofthsm2.so");
    dir.write("one.crl");
    dir.write("route-ca.pem");
    const std::string text = R"(workers: 4
log: {level: debug, format: json}
listen: "[::1]:8443"
tls:
  profile: tls12-high-security
  certificate: server.crt
  key: "pkcs11:token=sekisho;object=server;type=private"
  pkcs11_module: lib/libsofthsm2.so
  client_ca: ca.pem
  crl: one.crl
  session_lifetime: 1d
assertion:
  signing_key: assertion.key
  ttl: 1s
routes:
  - name: EMR_main.v2
    hosts: [EMR.Example.JP, emr2.example.jp]
    path_prefix: /app/
    upstream: https://[FD00::5]:8443/
    upstream_tls:
      ca: route-ca.pem
      key: "pkcs11:token=sekisho;object=gateway"
      certificate: server.crt
      server_name: emr.internal
    websocket: yes
)";
    const Config config = load_text(text, "test.yaml", dir.str());
    CHECK(config.workers == 4);
    CHECK(config.log.level == "debug");
    CHECK(config.log.format == LogFormat::json);
    CHECK(config.listen.host == "::1");
    CHECK(config.listen.to_string() == "[::1]:8443");
    CHECK(config.tls.profile == TlsProfile::tls12_high_security);
    CHECK(config.tls.key == "pkcs11:token=sekisho;object=server;type=private");
    CHECK(config.tls.pkcs11_module == (dir.path() / "lib/libsofthsm2.so").string());
    CHECK(config.tls.crl == std::vector<std::string>{(dir.path() / "one.crl").string()});
    CHECK(config.tls.session_lifetime == Seconds(86400));
    CHECK(config.assertion.ttl == Seconds(1));

    REQUIRE(config.routes.size() == 1);
    const Route& route = config.routes[0];
    CHECK(route.hosts == std::vector<std::string>{"emr.example.jp", "emr2.example.jp"});
    CHECK(route.upstream.host == "fd00::5");
    CHECK(route.upstream.port == 8443);
    CHECK(route.websocket);
    REQUIRE(route.upstream_tls.has_value());
    CHECK(route.upstream_tls->ca == (dir.path() / "route-ca.pem").string());
    CHECK(route.upstream_tls->key == "pkcs11:token=sekisho;object=gateway");
    CHECK(route.upstream_tls->server_name == "emr.internal");
}

TEST_CASE("Endpoint::to_string brackets IPv6 addresses only", "[config]") {
    CHECK(Endpoint{"0.0.0.0", 8443}.to_string() == "0.0.0.0:8443");
    CHECK(Endpoint{"localhost", 1}.to_string() == "localhost:1");
    CHECK(Endpoint{"::1", 9443}.to_string() == "[::1]:9443");
}

TEST_CASE("ConfigProblem::to_string is file:line: key: reason", "[config]") {
    CHECK(ConfigProblem{"a.yaml", 3, "tls.profile", "bad"}.to_string() == "a.yaml:3: tls.profile: bad");
    CHECK(ConfigProblem{"a.yaml", 0, "", "cannot read"}.to_string() == "a.yaml: cannot read");
    CHECK(ConfigProblem{"a.yaml", 2, "", "syntax"}.to_string() == "a.yaml:2: syntax");
}
