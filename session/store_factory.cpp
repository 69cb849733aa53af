#include "session/store_factory.hpp"

#include "session/memory_store.hpp"
#include "session/redis/redis_failure_counters.hpp"
#include "session/redis/redis_session_store.hpp"
#include "session/redis/redis_ticket_keys.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sekisho::session {
namespace {

std::string read_whole(const std::string& key, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw std::runtime_error(key + ": cannot read " + path);
    return bytes.str();
}

// redis[s]://host[:port][/db] as config/session_store_section.cpp accepted it.
void parse_url(const std::string& url, redis::Endpoint& out) {
    out.tls = url.starts_with("rediss://");
    std::string rest = url.substr(out.tls ? 9 : 8);
    const auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos && slash + 1 < rest.size()) {
        const std::string db = rest.substr(slash + 1);
        auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), out.database);
        if (ec != std::errc() || p != db.data() + db.size() || out.database < 0)
            throw std::runtime_error("auth.sessions.redis.url: the database after '/' must be a number");
    }
    std::string port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string::npos) throw std::runtime_error("auth.sessions.redis.url: unclosed '[' in the host");
        out.host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
    } else {
        const auto colon = authority.rfind(':');
        out.host = authority.substr(0, colon);
        if (colon != std::string::npos) port = authority.substr(colon + 1);
    }
    if (out.host.empty()) throw std::runtime_error("auth.sessions.redis.url: no host");
    if (!port.empty()) {
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535)
            throw std::runtime_error("auth.sessions.redis.url: the port must be a number from 1 to 65535");
        out.port = static_cast<std::uint16_t>(value);
    }
}

redis::StoreSettings redis_settings(const config::Config& config) {
    const auto& r = config.auth.sessions.redis;
    redis::StoreSettings settings;
    parse_url(r.url, settings.endpoint);
    auto& ep = settings.endpoint;
    ep.username = r.username;
    if (!r.password_file.empty()) {
        ep.password = read_whole("auth.sessions.redis.password_file", r.password_file);
        while (!ep.password.empty() && (ep.password.back() == '\n' || ep.password.back() == '\r'))
            ep.password.pop_back();
    }
    ep.ca_file = r.tls_ca;
    ep.cert_file = r.tls_certificate;
    ep.key_file = r.tls_key;
    ep.server_name = r.tls_server_name;
    ep.connect_timeout = r.connect_timeout;
    ep.command_timeout = r.command_timeout;
    settings.max_connections = r.pool_size;
    settings.key_prefix = r.key_prefix;
    settings.cache_for = r.local_cache;
    settings.index_secret = read_cluster_secret(config.cluster);
    if (settings.index_secret.size() < 32)
        throw std::runtime_error("cluster.secret_file: at least 32 bytes are needed to share sessions in Redis");
    return settings;
}

} // namespace

std::string read_cluster_secret(const config::ClusterConfig& cluster) {
    if (cluster.secret_file.empty()) return {};
    return read_whole("cluster.secret_file", cluster.secret_file);
}

Stores make_stores(const config::Config& config, boost::asio::any_io_executor executor) {
    Stores stores;
    if (config.auth.sessions.store == config::SessionStoreKind::memory) {
        stores.sessions = std::make_unique<MemorySessionStore>();
        stores.per_terminal = std::make_unique<MemoryFailureCounters>();
        stores.per_source = std::make_unique<MemoryFailureCounters>();
        return stores;
    }
    try {
        auto settings = redis_settings(config);
        const auto counters = [&](const char* scope) {
            return std::make_unique<redis::RedisFailureCounters>(executor, settings.endpoint, settings.max_connections,
                                                                 settings.key_prefix, scope, settings.index_secret);
        };
        stores.per_terminal = counters("terminal");
        stores.per_source = counters("source");
        stores.sessions = std::make_unique<redis::RedisSessionStore>(executor, std::move(settings));
        return stores;
    } catch (const std::exception& e) {
        const std::string what = e.what();
        if (what.starts_with("auth.") || what.starts_with("cluster.")) throw;
        throw std::runtime_error("auth.sessions.redis: " + what);
    }
}

std::unique_ptr<TicketKeySource> make_ticket_keys(const config::Config& config, boost::asio::any_io_executor executor) {
    if (config.auth.sessions.store == config::SessionStoreKind::memory) return std::make_unique<LocalTicketKeys>();
    try {
        auto settings = redis_settings(config);
        return std::make_unique<redis::RedisTicketKeys>(executor, settings.endpoint, settings.key_prefix,
                                                        settings.index_secret, config.tls.session_ticket_rotation);
    } catch (const std::exception& e) {
        const std::string what = e.what();
        if (what.starts_with("auth.") || what.starts_with("cluster.")) throw;
        throw std::runtime_error("auth.sessions.redis: " + what);
    }
}

} // namespace sekisho::session
