// auth.sessions.store / .redis and cluster: what an operator gets wrong when sharing sessions
// in Redis, each named by key and line, never echoing a password.
#include "config_test_support.hpp"

#include <sys/stat.h>

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

std::string with_sessions(const std::string& sessions, const std::string& more = "") {
    return minimal_config + "registry:\n  sqlite: registry.db\nauth:\n  sessions:\n" + sessions + more;
}

void write_secret(const TempDir& dir, const std::string& name, std::size_t bytes, mode_t mode) {
    dir.write(name, std::string(bytes, 's'));
    ::chmod((dir.path() / name).c_str(), mode);
}

bool mentions(const std::vector<ConfigProblem>& problems, const std::string& key, const std::string& words) {
    for (const auto& p : problems)
        if (p.key == key && p.reason.find(words) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("sessions in Redis: the store, its endpoint and the cluster secret", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    write_secret(dir, "cluster.key", 32, 0600);
    write_secret(dir, "redis.pass", 20, 0600);
    dir.write("redis-ca.pem");
    const Config config = load_text(
        with_sessions("    store: redis\n    redis:\n      url: rediss://10.0.0.5:6380/2\n      username: gw\n"
                      "      password_file: redis.pass\n      tls: {ca: redis-ca.pem}\n      key_prefix: \"h1:\"\n",
                      "cluster:\n  secret_file: cluster.key\n"),
        "test.yaml", dir.str());
    CHECK(config.auth.sessions.store == SessionStoreKind::redis);
    CHECK(config.auth.sessions.redis.url == "rediss://10.0.0.5:6380/2");
    CHECK(config.auth.sessions.redis.key_prefix == "h1:");
    CHECK(config.auth.sessions.redis.local_cache == Seconds(1));
    CHECK(config.cluster.secret_file == (dir.path() / "cluster.key").string());
    CHECK(load_text(minimal_config, "test.yaml", dir.str()).auth.sessions.store == SessionStoreKind::memory);
}

TEST_CASE("sessions in Redis: every mistake is named, and a password in the URL is never echoed", "[config]") {
    TempDir dir;
    write_minimal_files(dir);
    write_secret(dir, "cluster.key", 32, 0600);
    write_secret(dir, "short.key", 16, 0600);
    write_secret(dir, "open.key", 32, 0644);
    const std::string cluster = "cluster:\n  secret_file: cluster.key\n";

    auto problems = problems_of(with_sessions("    store: redis\n    redis:\n      url: redis://gw:Hunter2pw@10.0.0.5/0\n",
                                              cluster), dir);
    CHECK(mentions(problems, "auth.sessions.redis.url", "password_file"));
    for (const auto& p : problems) CHECK(p.reason.find("Hunter2pw") == std::string::npos);

    problems = problems_of(with_sessions("    store: redis\n    redis:\n      url: rediss://10.0.0.5/0\n", cluster), dir);
    CHECK(mentions(problems, "auth.sessions.redis.tls", "ca"));

    problems = problems_of(with_sessions("    store: redis\n    redis:\n      url: redis://10.0.0.5/0\n"), dir);
    CHECK(mentions(problems, "cluster", "secret_file"));

    problems = problems_of(with_sessions("    store: redis\n"), dir);
    CHECK(mentions(problems, "auth.sessions.redis", "required"));

    problems = problems_of(with_sessions("    redis:\n      url: redis://10.0.0.5/0\n"), dir);
    CHECK(mentions(problems, "auth.sessions.redis", "store is memory"));

    problems = problems_of(
        with_sessions("    store: redis\n    redis:\n      url: redis://10.0.0.5/0\n      local_cache: 5s\n", cluster), dir);
    CHECK(mentions(problems, "auth.sessions.redis.local_cache", ""));

    problems = problems_of(with_sessions("    store: redis\n    redis:\n      url: redis://10.0.0.5/0\n",
                                         "cluster:\n  secret_file: short.key\n"),
                           dir);
    CHECK(mentions(problems, "cluster.secret_file", "at least 32"));

    problems = problems_of(with_sessions("    store: redis\n    redis:\n      url: redis://10.0.0.5/0\n",
                                         "cluster:\n  secret_file: open.key\n"),
                           dir);
    CHECK(mentions(problems, "cluster.secret_file", "chmod 600"));
}
