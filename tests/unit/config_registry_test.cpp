#include "config_test_support.hpp"

#include <algorithm>

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

namespace {

// minimal_config's 11 lines, then "registry:" on line 12 and "postgresql:" on line 13;
// `settings` are the postgresql block's lines, from line 14 on.
std::string postgresql_config(const std::string& settings) {
    return minimal_config + "registry:\n  postgresql:\n" + settings;
}

// The files the PostgreSQL settings below refer to, next to minimal_config's.
void write_postgresql_files(const TempDir& dir) {
    write_minimal_files(dir);
    for (const char* name : {"pg.password", "pg-ca.pem", "pg-client.crt", "pg-client.key"}) dir.write(name);
    std::filesystem::permissions(dir.path() / "pg.password", std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write);
}

const std::string pg_url = "    url: postgresql://sekisho@db.example.jp:5432/sekisho\n";
const std::string pg_ca = "    sslrootcert: pg-ca.pem\n";

std::vector<ConfigProblem> postgresql_problems(const std::string& text) {
    TempDir dir;
    write_postgresql_files(dir);
    return problems_of(text, dir);
}

void require_postgresql_problem(const std::string& text, const std::string& key, int line,
                                const std::string& reason_part) {
    const auto problems = postgresql_problems(text);
    std::string listed;
    for (const auto& problem : problems) listed += problem.to_string() + "\n";
    INFO("config:\n" << text << "problems:\n" << listed);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == key);
    CHECK(problems[0].line == line);
    CHECK_THAT(problems[0].reason, Catch::Contains(reason_part));
}

} // namespace

TEST_CASE("registry.postgresql: a password file others may read is refused, as libpq does ~/.pgpass", "[config]") {
    TempDir dir;
    write_postgresql_files(dir);
    std::filesystem::permissions(dir.path() / "pg.password", std::filesystem::perms::group_read,
                                 std::filesystem::perm_options::add);
    const auto problems =
        problems_of(postgresql_config(pg_url + "    password_file: pg.password\n" + pg_ca), dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "registry.postgresql.password_file");
    CHECK_THAT(problems[0].reason, Catch::Contains("0640") && Catch::Contains("chmod 600"));
}

TEST_CASE("registry.postgresql: a minimal block parses with the defaults", "[config]") {
    TempDir dir;
    write_postgresql_files(dir);
    const Config config =
        load_text(postgresql_config(pg_url + "    password_file: pg.password\n" + pg_ca), "test.yaml", dir.str());
    CHECK(config.registry.sqlite.empty());
    REQUIRE(config.registry.postgresql.has_value());
    CHECK(config.registry.configured());
    CHECK(config.registry.key() == "registry.postgresql");
    const PostgresqlConfig& pg = *config.registry.postgresql;
    CHECK(pg.url == "postgresql://sekisho@db.example.jp:5432/sekisho");
    CHECK(pg.password_file == (dir.path() / "pg.password").string());
    CHECK(pg.sslmode == "verify-full");
    CHECK(pg.sslrootcert == (dir.path() / "pg-ca.pem").string());
    CHECK(pg.sslcert.empty());
    CHECK(pg.sslkey.empty());
    CHECK(pg.pool_size == 8);
    CHECK(pg.connect_timeout == Seconds(5));
    CHECK(pg.statement_timeout == Seconds(10));
    CHECK(config.registry.max_staleness == Seconds(60));
    // A registry is configured, so routes need a login by default, as with SQLite.
    REQUIRE(config.routes.size() == 1);
    CHECK(config.routes[0].login);
}

TEST_CASE("registry.postgresql: every setting given", "[config]") {
    TempDir dir;
    write_postgresql_files(dir);
    const Config config = load_text(minimal_config + "registry:\n  max_staleness: 0s\n  postgresql:\n"
                                                     "    url: postgres://gw@[::1]:5433,db2/reg\n"
                                                     "    sslmode: verify-ca\n" + pg_ca +
                                         "    sslcert: pg-client.crt\n    sslkey: pg-client.key\n"
                                         "    pool_size: 64\n    connect_timeout: 1m\n    statement_timeout: 5m\n",
                                     "test.yaml", dir.str());
    REQUIRE(config.registry.postgresql.has_value());
    const PostgresqlConfig& pg = *config.registry.postgresql;
    CHECK(pg.url == "postgres://gw@[::1]:5433,db2/reg");
    CHECK(pg.password_file.empty());
    CHECK(pg.sslmode == "verify-ca");
    CHECK(pg.sslcert == (dir.path() / "pg-client.crt").string());
    CHECK(pg.sslkey == (dir.path() / "pg-client.key").string());
    CHECK(pg.pool_size == 64);
    CHECK(pg.connect_timeout == Seconds(60));
    CHECK(pg.statement_timeout == Seconds(300));
    CHECK(config.registry.max_staleness == Seconds(0));

    // Without verification no CA is needed.
    for (const char* mode : {"disable", "require"}) {
        const Config plain = load_text(postgresql_config(pg_url + "    sslmode: " + mode + "\n"), "test.yaml", dir.str());
        CHECK(plain.registry.postgresql->sslmode == mode);
    }
}

TEST_CASE("registry: exactly one backend", "[config]") {
    require_postgresql_problem(minimal_config + "registry:\n  sqlite: r.db\n  postgresql:\n" + pg_url + pg_ca, "registry",
                               12, "both sqlite and postgresql");
    require_postgresql_problem(minimal_config + "registry:\n  max_staleness: 30s\n", "registry", 12,
                               "needs one backend");
    require_postgresql_problem(minimal_config + "registry:\n", "registry", 12, "needs one backend");
    require_postgresql_problem(postgresql_config(pg_url + pg_ca + "    host: db\n"), "registry.postgresql.host", 16,
                               "unknown key");
    require_postgresql_problem(minimal_config + "registry:\n  postgresql: postgresql://db/sekisho\n",
                               "registry.postgresql", 13, "group of settings");
}

TEST_CASE("registry.postgresql.url: required, a postgresql:// URL", "[config]") {
    require_postgresql_problem(postgresql_config(pg_ca), "registry.postgresql.url", 13, "is required");
    require_postgresql_problem(postgresql_config("    url: ''\n" + pg_ca), "registry.postgresql.url", 14,
                               "must not be empty");
    for (const char* wrong : {"mysql://db/sekisho", "db.example.jp", "postgresql:/db", "POSTGRESQL://db/x"}) {
        require_postgresql_problem(postgresql_config(std::string("    url: ") + wrong + "\n" + pg_ca),
                                   "registry.postgresql.url", 14, "must start with postgresql:// or postgres://");
    }
}

TEST_CASE("registry.postgresql.url: a password in it is refused and never repeated", "[config]") {
    const std::string secret = "Zq7-s3cret";
    for (const std::string& url :
         {"postgresql://sekisho:" + secret + "@db.example.jp/sekisho", "postgres://:" + secret + "@db",
          "postgresql://sekisho:" + secret + "@db1:5432,db2:5432/sekisho?target_session_attrs=read-write",
          "postgresql://db/sekisho?password=" + secret, "postgresql://db/sekisho?sslmode=require&password=" + secret,
          "postgresql://db/sekisho?PassWord=" + secret, "postgresql://db/sekisho?pass%77ord=" + secret,
          // A '/' in the password ends the authority early: libpq would read "sekisho" as the
          // host and the password's start as its port, and quote them back in its errors.
          "postgresql://sekisho:Zq7/" + secret + "@db.example.jp:5432/sekisho"}) {
        const auto problems = postgresql_problems(postgresql_config("    url: '" + url + "'\n" + pg_ca));
        INFO(url);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].key == "registry.postgresql.url");
        CHECK(problems[0].line == 14);
        CHECK_THAT(problems[0].reason, Catch::Contains("password_file"));
        CHECK_THAT(problems[0].to_string(), !Catch::Contains(secret));
    }
    // Neither is a password: a user alone, an IPv6 host's colons, several hosts.
    TempDir dir;
    write_postgresql_files(dir);
    for (const std::string url : {"postgresql://sekisho@[::1]:5432/sekisho", "postgresql://[::1]:5432",
                                  "postgresql://sekisho@db1:5432,db2:5433/sekisho"}) {
        INFO(url);
        CHECK_NOTHROW(load_text(postgresql_config("    url: '" + url + "'\n" + pg_ca), "test.yaml", dir.str()));
    }
}

TEST_CASE("registry.postgresql.url: no ?parameters, which could undo the section's keys", "[config]") {
    for (const std::string url : {"postgresql://db/sekisho?sslmode=disable",
                                  "postgresql://db/sekisho?ssl_min_protocol_version=TLSv1",
                                  "postgresql://db/sekisho?passfile=/tmp/pgpass&connect_timeout=3"}) {
        const auto problems = postgresql_problems(postgresql_config("    url: '" + url + "'\n" + pg_ca));
        INFO(url);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].key == "registry.postgresql.url");
        CHECK_THAT(problems[0].reason, Catch::Contains("no ?parameters"));
    }
}

TEST_CASE("registry.postgresql: files must exist", "[config]") {
    for (const char* key : {"password_file", "sslrootcert", "sslcert", "sslkey"}) {
        std::string settings = pg_url + (std::string(key) == "sslrootcert" ? "" : pg_ca);
        if (std::string(key) == "sslcert") settings += "    sslkey: pg-client.key\n";
        if (std::string(key) == "sslkey") settings += "    sslcert: pg-client.crt\n";
        settings += std::string("    ") + key + ": missing.pem\n";
        const int line = 14 + static_cast<int>(std::count(settings.begin(), settings.end(), '\n')) - 1;
        require_postgresql_problem(postgresql_config(settings), std::string("registry.postgresql.") + key, line,
                                   "file not found");
    }
}

TEST_CASE("registry.postgresql.sslmode: one of four; verification needs sslrootcert", "[config]") {
    require_postgresql_problem(postgresql_config(pg_url + "    sslmode: verify\n" + pg_ca),
                               "registry.postgresql.sslmode", 15, "disable, require, verify-ca, verify-full");
    // A wrong sslmode is not also reported as needing a CA.
    require_postgresql_problem(postgresql_config(pg_url + "    sslmode: prefer\n"), "registry.postgresql.sslmode", 15,
                               "must be one of");
    require_postgresql_problem(postgresql_config(pg_url), "registry.postgresql.sslrootcert", 13,
                               "verify-full (the default)");
    require_postgresql_problem(postgresql_config(pg_url + "    sslmode: verify-ca\n"),
                               "registry.postgresql.sslrootcert", 13, "required with sslmode verify-ca");
    require_postgresql_problem(postgresql_config(pg_url + "    sslmode: verify-full\n"),
                               "registry.postgresql.sslrootcert", 13, "required with sslmode verify-full");
}

TEST_CASE("registry.postgresql: sslcert and sslkey go together", "[config]") {
    require_postgresql_problem(postgresql_config(pg_url + pg_ca + "    sslcert: pg-client.crt\n"),
                               "registry.postgresql.sslcert", 16, "give both");
    require_postgresql_problem(postgresql_config(pg_url + pg_ca + "    sslkey: pg-client.key\n"),
                               "registry.postgresql.sslkey", 16, "give both");
}

TEST_CASE("registry.postgresql: pool size and timeouts within their ranges", "[config]") {
    const std::string base = postgresql_config(pg_url + pg_ca);
    require_postgresql_problem(base + "    pool_size: 0\n", "registry.postgresql.pool_size", 16, "at least 1");
    require_postgresql_problem(base + "    pool_size: 65\n", "registry.postgresql.pool_size", 16, "at most 64");
    require_postgresql_problem(base + "    pool_size: many\n", "registry.postgresql.pool_size", 16, "whole number");
    require_postgresql_problem(base + "    connect_timeout: 0s\n", "registry.postgresql.connect_timeout", 16,
                               "between 1s and 60s");
    require_postgresql_problem(base + "    connect_timeout: 61s\n", "registry.postgresql.connect_timeout", 16,
                               "between 1s and 60s");
    require_postgresql_problem(base + "    statement_timeout: 0s\n", "registry.postgresql.statement_timeout", 16,
                               "between 1s and 300s");
    require_postgresql_problem(base + "    statement_timeout: 301s\n", "registry.postgresql.statement_timeout", 16,
                               "between 1s and 300s");
}

TEST_CASE("registry.max_staleness: a duration from 0 to an hour, 60s by default", "[config]") {
    TempDir dir;
    write_postgresql_files(dir);
    const std::string sqlite = minimal_config + "registry:\n  sqlite: r.db\n";
    CHECK(load_text(sqlite, "test.yaml", dir.str()).registry.max_staleness == Seconds(60));
    CHECK(load_text(sqlite + "  max_staleness: 0s\n", "test.yaml", dir.str()).registry.max_staleness == Seconds(0));
    CHECK(load_text(sqlite + "  max_staleness: 90s\n", "test.yaml", dir.str()).registry.max_staleness == Seconds(90));
    CHECK(load_text(sqlite + "  max_staleness: 1h\n", "test.yaml", dir.str()).registry.max_staleness ==
          Seconds(3600));
    require_postgresql_problem(sqlite + "  max_staleness: 61m\n", "registry.max_staleness", 14, "between 0s and 1h");
    require_postgresql_problem(sqlite + "  max_staleness: 0\n", "registry.max_staleness", 14, "needs a unit");
}

TEST_CASE("auth and enrollment accept a PostgreSQL registry", "[config]") {
    TempDir dir;
    write_postgresql_files(dir);
    const Config config = load_text(postgresql_config(pg_url + pg_ca) + "auth:\n  failure_delay: 2s\n", "test.yaml",
                                    dir.str());
    CHECK(config.registry.configured());
    auto problems = problems_of(minimal_config + "auth:\n  failure_delay: 2s\n", dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "auth");
    CHECK_THAT(problems[0].reason, Catch::Contains("registry.postgresql"));
}
