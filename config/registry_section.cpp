// registry: exactly one backend, sqlite (one instance) or postgresql (several sharing it),
// and how long a gateway may admit from its last view while the registry cannot be read.
#include "config/sections.hpp"


#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::config::detail {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A URI query key as libpq reads it (percent-decoded), in lower case, so that "password" is
// recognised however it is spelt.
std::string query_key(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 && hex_digit(text[i + 2]) >= 0) {
            c = static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

// Whether a postgresql:// URL (scheme already checked and removed) carries a password, the
// way libpq reads one: "user:password@" before the first '/', or a password= query parameter.
bool carries_password(std::string_view rest) {
    const auto end_of_authority = rest.find_first_of("@/");
    if (end_of_authority != std::string_view::npos && rest[end_of_authority] == '@' &&
        rest.substr(0, end_of_authority).find(':') != std::string_view::npos)
        return true;
    const auto query = rest.find('?');
    if (query == std::string_view::npos) return false;
    std::string_view parameters = rest.substr(query + 1);
    while (!parameters.empty()) {
        const auto amp = parameters.find('&');
        const auto parameter = parameters.substr(0, amp);
        if (query_key(parameter.substr(0, parameter.find('='))) == "password") return true;
        parameters = amp == std::string_view::npos ? std::string_view() : parameters.substr(amp + 1);
    }
    return false;
}

// Whether the hosts' ports are numbers: a password with '/' in it ("user:pa/ss@host") ends
// the authority early and libpq would take "user" for the host and "pa" for its port.
bool ports_are_numbers(std::string_view rest) {
    std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
    while (!authority.empty()) {
        const auto comma = authority.find(',');
        std::string_view host = authority.substr(0, comma);
        if (host.starts_with('[')) host = host.substr(std::min(host.size(), host.find(']') + 1));
        if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
            const auto port = host.substr(colon + 1);
            if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
        }
        authority = comma == std::string_view::npos ? std::string_view() : authority.substr(comma + 1);
    }
    return true;
}

// The URL is never quoted back: a mistyped one may still hold a password.
void read_url(MapReader& section, std::string& out) {
    section.require("url", "where the registry database is, e.g. postgresql://sekisho@db.example.jp:5432/sekisho");
    std::string url;
    if (!section.read_text("url", url)) return;
    std::optional<std::string_view> rest; // after the scheme
    for (const std::string_view scheme : {"postgresql://", "postgres://"})
        if (url.starts_with(scheme)) rest = std::string_view(url).substr(scheme.size());
    if (!rest) {
        section.problem("url", "must start with postgresql:// or postgres://");
    } else if (carries_password(*rest)) {
        section.problem("url", "must not contain a password (user:password@ or password=): put the password "
                               "alone in a file readable only by the gateway and name it in password_file");
    } else if (!ports_are_numbers(*rest) ||
               rest->substr(0, rest->find('?')).find('@', rest->find('/')) != std::string_view::npos) {
        section.problem("url", "does not read as postgresql://user@host:port/database (a password in it? put the "
                               "password alone in a file and name it in password_file)");
    } else if (rest->find('?') != std::string_view::npos) {
        // sslmode=disable or ssl_min_protocol_version=TLSv1 there would undo what the keys
        // of this section say: each setting has its key, and the URL only says where.
        section.problem("url", "takes no ?parameters: use this section's keys (sslmode, sslrootcert, "
                               "connect_timeout, ...)");
    } else {
        out = std::move(url);
    }
}

void read_postgresql(MapReader& section, PostgresqlConfig& out) {
    read_url(section, out.url);
    // As libpq treats ~/.pgpass: a password others can read is refused, not used.
    if (section.read_file("password_file", out.password_file))
        check_private_file(section, "password_file", out.password_file);
    const bool sslmode_valid = !section.has("sslmode") ||
                               section.read_choice<std::string>("sslmode", out.sslmode,
                                                                {{"disable", "disable"},
                                                                 {"require", "require"},
                                                                 {"verify-ca", "verify-ca"},
                                                                 {"verify-full", "verify-full"}});
    section.read_file("sslrootcert", out.sslrootcert);
    if (sslmode_valid && out.sslmode.starts_with("verify-") && !section.has("sslrootcert"))
        section.problem("sslrootcert", "is required with sslmode " + out.sslmode +
                                           (section.has("sslmode") ? "" : " (the default)") +
                                           ": the CA file that issued the PostgreSQL server's certificate, so "
                                           "the gateway can check it is talking to the real server");
    section.read_file("sslcert", out.sslcert);
    section.read_file("sslkey", out.sslkey);
    const bool has_sslcert = section.has("sslcert");
    if (has_sslcert != section.has("sslkey"))
        section.problem(has_sslcert ? "sslcert" : "sslkey",
                        "sslcert and sslkey go together: give both (a client certificate towards "
                        "PostgreSQL) or neither");
    std::uint64_t pool_size = 0;
    if (section.read_unsigned("pool_size", pool_size, 64)) {
        if (pool_size == 0)
            section.problem("pool_size", "must be at least 1");
        else
            out.pool_size = static_cast<unsigned>(pool_size);
    }
    section.read_duration("connect_timeout", out.connect_timeout, Seconds(1), Seconds(60));
    section.read_duration("statement_timeout", out.statement_timeout, Seconds(1), Seconds(300));
    section.finish();
}

} // namespace

void read_registry(MapReader& root, RegistryConfig& out) {
    auto section = root.mapping("registry");
    if (!section) return;
    const bool has_sqlite = section->has("sqlite");
    const bool has_postgresql = section->has("postgresql");
    if (has_sqlite == has_postgresql)
        root.problem("registry", has_sqlite ? "gives both sqlite and postgresql: choose one backend"
                                            : "needs one backend: sqlite (a database file, e.g. "
                                              "/var/lib/sekisho/registry.db) or postgresql (url, "
                                              "password_file, ...)");
    if (has_sqlite) section->read_data_file("sqlite", out.sqlite);
    if (has_postgresql) {
        if (auto postgresql = section->mapping("postgresql")) {
            PostgresqlConfig config;
            read_postgresql(*postgresql, config);
            out.postgresql = std::move(config);
        }
    }
    section->read_duration("max_staleness", out.max_staleness, Seconds(0), Seconds(3600));
    section->read_duration("last_seen_flush", out.last_seen_flush, Seconds(1), Seconds(3600));
    section->finish();
}

} // namespace sekisho::config::detail
