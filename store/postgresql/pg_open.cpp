#include "store/postgresql/pg_open.hpp"

#include "config/config.hpp"
#include "store/postgresql/pg_connection.hpp"
#include "store/postgresql/pg_listener.hpp"
#include "store/postgresql/pg_schema.hpp"
#include "store/sql/pooled_registry.hpp"

#include <libpq-fe.h>

#include <fstream>
#include <iterator>

namespace sekisho::store::postgresql {

namespace {

// postgresql://user@host:port/database: the URL's parts without any password or option.
std::string location_of(const std::string& url) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (options == nullptr) { // libpq's reason may quote the URL, and with it a password
        PQfreemem(error);
        throw RegistryError("registry: postgresql.url is not a connection URL");
    }
    std::string user, host, port, database;
    bool password = false;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val == nullptr) continue;
        const std::string key = o->keyword;
        if (key == "user") user = o->val;
        if (key == "host" || (key == "hostaddr" && host.empty())) host = o->val;
        if (key == "port") port = o->val;
        if (key == "dbname") database = o->val;
        if (key == "password" && *o->val != '\0') password = true;
    }
    PQconninfoFree(options);
    if (password) throw RegistryError("registry: postgresql.url carries a password: put it in password_file");
    for (char c : port)
        if ((c < '0' || c > '9') && c != ',') // a password with '/' in it makes libpq read its start as the port
            throw RegistryError("registry: postgresql.url does not parse as user@host:port/database (is there a "
                                "password in it? put it in password_file)");
    return "postgresql://" + (user.empty() ? "" : user + "@") + host + (port.empty() ? "" : ":" + port) + "/" + database;
}

std::string read_password(const std::string& path, const std::string& location) {
    std::ifstream in(path);
    if (!in) throw RegistryError("registry " + location + ": cannot read password_file " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// Read at each connection, so that a rotated password is used without a restart.
ConnectionSettings settings_of(const config::PostgresqlConfig& config) {
    ConnectionSettings s;
    s.location = location_of(config.url);
    auto& p = s.parameters;
    p.emplace_back("dbname", config.url); // expanded; what follows overrides it
    if (!config.password_file.empty()) p.emplace_back("password", read_password(config.password_file, s.location));
    p.emplace_back("sslmode", config.sslmode);
    if (!config.sslrootcert.empty()) p.emplace_back("sslrootcert", config.sslrootcert);
    if (!config.sslcert.empty()) p.emplace_back("sslcert", config.sslcert);
    if (!config.sslkey.empty()) p.emplace_back("sslkey", config.sslkey);
    // A server that does not prove itself gets no password in the clear through TLS: with a
    // password and a server not verified by name, the SCRAM exchange must be bound to the
    // TLS channel (a man in the middle then cannot relay it).
    if (!config.password_file.empty() && (config.sslmode == "require" || config.sslmode == "verify-ca"))
        p.emplace_back("channel_binding", "require");
    p.emplace_back("ssl_min_protocol_version", "TLSv1.2");
    p.emplace_back("connect_timeout", std::to_string(config.connect_timeout.count()));
    const auto statement_ms = std::to_string(config.statement_timeout.count() * 1000);
    // A statement or a lock wait that hangs fails, and so does a writer that stopped in the
    // middle of its transaction (a paused VM, a stopped sekishoctl): it would hold every
    // other writer off.
    p.emplace_back("options", "-c statement_timeout=" + statement_ms + " -c idle_in_transaction_session_timeout=" +
                                  statement_ms);
    p.emplace_back("tcp_user_timeout", statement_ms);
    p.emplace_back("keepalives", "1");
    p.emplace_back("keepalives_idle", "10");
    p.emplace_back("application_name", "sekisho");
    p.emplace_back("target_session_attrs", "read-write"); // with several hosts: the primary
    // Our own deadlines, for a server that is stuck rather than gone (statement_timeout is
    // the server's, and a stuck server enforces nothing).
    s.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.connect_timeout);
    s.call_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(config.statement_timeout) +
                     std::chrono::seconds(1);
    return s;
}

} // namespace

std::shared_ptr<Registry> open_registry(const config::PostgresqlConfig& config, Clock clock) {
    const ConnectionSettings first = settings_of(config);
    {
        PgConnection db(first);
        require_current_schema(db);
    }
    return sql::open_pooled_registry(
        first.location, [config] { return std::make_unique<PgConnection>(settings_of(config)); }, std::move(clock),
        config.pool_size, [config](std::function<void()> wake) -> std::unique_ptr<ChangeSignal> {
            return std::make_unique<ChangeListener>([config] { return settings_of(config); }, std::move(wake));
        });
}

std::unique_ptr<sql::Connection> open_connection(const config::PostgresqlConfig& config) {
    auto db = std::make_unique<PgConnection>(settings_of(config));
    require_current_schema(*db);
    return db;
}

MigrationReport migrate_registry(const config::PostgresqlConfig& config, const std::string& grant_to) {
    const ConnectionSettings settings = settings_of(config);
    PgConnection db(settings);
    const MigrationResult result = migrate(db, grant_to);
    return {settings.location, result.from, result.to};
}

} // namespace sekisho::store::postgresql
