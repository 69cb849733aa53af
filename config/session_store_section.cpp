// auth.sessions.store: memory (one instance) or redis (several sharing sessions), and the
// cluster: section whose secret those instances share.
#include "config/sections.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace sekisho::config::detail {

void check_private_file(MapReader& section, std::string_view key, const std::string& path) {
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0 || (st.st_mode & 077) == 0) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 0777));
    section.problem(key, path + " may be read by others (mode " + mode +
                             "): make it readable by the gateway's user only (chmod 600)");
}

namespace {

// redis://host:port/db or rediss://...: where, never who with which password.
void read_redis_url(MapReader& section, RedisConfig& out) {
    section.require("url", "where Redis is, e.g. redis://10.0.0.5:6379/0 (rediss:// for TLS)");
    std::string url;
    if (!section.read_text("url", url)) return;
    const bool tls = url.starts_with("rediss://");
    if (!tls && !url.starts_with("redis://")) {
        section.problem("url", "must start with redis:// or rediss:// (TLS)");
        return;
    }
    const std::string rest = url.substr(tls ? 9 : 8);
    // The URL is never quoted back: a mistyped one may hold a password.
    if (rest.find('@') != std::string::npos || rest.find('?') != std::string::npos) {
        section.problem("url", "must be redis[s]://host:port/db only: the user goes in username, the password "
                               "alone in a file named by password_file");
        return;
    }
    out.url = url;
}

void read_redis(MapReader& section, RedisConfig& out) {
    read_redis_url(section, out);
    section.read_text("username", out.username);
    if (section.read_file("password_file", out.password_file)) check_private_file(section, "password_file", out.password_file);
    if (auto tls = section.mapping("tls")) {
        tls->read_file("ca", out.tls_ca);
        tls->read_file("certificate", out.tls_certificate);
        tls->read_file("key", out.tls_key);
        if (!out.tls_key.empty()) check_private_file(*tls, "key", out.tls_key);
        tls->read_text("server_name", out.tls_server_name);
        if (tls->has("certificate") != tls->has("key"))
            tls->problem(tls->has("certificate") ? "certificate" : "key",
                         "certificate and key go together: give both (a client certificate towards Redis) or neither");
        tls->finish();
    }
    if (out.url.starts_with("rediss://") && out.tls_ca.empty() && !section.has("tls"))
        section.problem("tls", "needs ca with rediss://: the CA file that issued the Redis server's certificate, so "
                               "the gateway can check it is talking to the real server");
    else if (out.url.starts_with("redis://") && section.has("tls"))
        section.problem("tls", "is set but url starts with redis:// (no TLS): use rediss://");
    section.read_text("key_prefix", out.key_prefix);
    std::uint64_t pool = 0;
    if (section.read_unsigned("pool_size", pool, 256)) {
        if (pool == 0)
            section.problem("pool_size", "must be at least 1");
        else
            out.pool_size = static_cast<unsigned>(pool);
    }
    section.read_duration("connect_timeout", out.connect_timeout, Seconds(1), Seconds(60));
    section.read_duration("command_timeout", out.command_timeout, Seconds(1), Seconds(60));
    // Beyond a second, a logout on one instance could go unnoticed on another for too long.
    section.read_duration("local_cache", out.local_cache, Seconds(0), Seconds(1));
    section.finish();
}

} // namespace

void read_session_store(MapReader& sessions, SessionConfig& out) {
    sessions.read_choice("store", out.store, {{"memory", SessionStoreKind::memory}, {"redis", SessionStoreKind::redis}});
    const bool has_redis = sessions.has("redis");
    if (out.store == SessionStoreKind::redis) {
        if (!has_redis)
            sessions.problem("redis", "is required with store: redis (url, username, password_file, tls)");
        else if (auto redis = sessions.mapping("redis"))
            read_redis(*redis, out.redis);
    } else if (has_redis) {
        sessions.problem("redis", "is set but store is memory: add store: redis to use it");
    }
}

void read_cluster(MapReader& root, ClusterConfig& out) {
    auto section = root.mapping("cluster");
    if (!section) return;
    section->require("secret_file", "a file of at least 32 random bytes that every instance shares");
    if (section->read_file("secret_file", out.secret_file)) {
        check_private_file(*section, "secret_file", out.secret_file);
        struct stat st {};
        if (::stat(out.secret_file.c_str(), &st) == 0 && st.st_size < 32)
            section->problem("secret_file", out.secret_file + " holds " + std::to_string(st.st_size) +
                                                " bytes; at least 32 random bytes are needed (openssl rand -out FILE 32)");
    }
    section->finish();
}

} // namespace sekisho::config::detail
