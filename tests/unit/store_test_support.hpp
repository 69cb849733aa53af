// Helpers shared by the store unit tests: a temporary registry on either backend and a settable clock.
#pragma once

#include "credentials/password_hash.hpp"
#include "config/config.hpp"
#include "store/postgresql/pg_connection.hpp"
#include "store/registry.hpp"
#include "store/sqlite/sqlite_db.hpp"

#include <unistd.h>

#include <atomic>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::store::test {

inline constexpr UnixSeconds kStart = 1'700'000'000; // 2023-11-14

// The backend every store test runs on: SQLite, or PostgreSQL when SEKISHO_TEST_POSTGRES_URL
// names a server (tests/integration/with_postgres.py starts one; CTest runs the same suite
// both ways). Tests of what only one backend has carry the tag [sqlite] or [postgresql].
inline bool testing_postgresql() {
    const char* url = std::getenv("SEKISHO_TEST_POSTGRES_URL");
    return url != nullptr && *url != '\0';
}

// A fresh registry, removed with everything in it: a file registry.db in a temporary folder,
// or a database of its own on the test server, migrated. Its clock starts at kStart and
// moves only when a test sets it.
class TempRegistry {
public:
    enum class Backend { under_test, sqlite };
    explicit TempRegistry(Backend backend = Backend::under_test) {
        std::string pattern = (std::filesystem::temp_directory_path() / "sekisho-store-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        if (backend == Backend::under_test && testing_postgresql()) server_.emplace(dir_);
    }
    ~TempRegistry() {
        server_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    TempRegistry(const TempRegistry&) = delete;
    TempRegistry& operator=(const TempRegistry&) = delete;

    bool postgresql() const { return server_.has_value(); }
    std::string path() const { return (dir_ / "registry.db").string(); } // the SQLite file
    config::RegistryConfig config() const {
        config::RegistryConfig c;
        if (server_) c.postgresql = server_->config();
        else c.sqlite = path();
        return c;
    }
    // What messages name: the file, or postgresql://user@host:port/database.
    std::string location() const { return server_ ? server_->location() : path(); }

    // The registry through the factory, as the gateway and sekishoctl open it.
    std::shared_ptr<Registry> open_registry() const {
        auto now = now_;
        return store::open_registry(config(), [now] { return *now; });
    }
    // One narrow registry of a freshly opened Registry, keeping that Registry alive.
    std::shared_ptr<DeviceRegistry> open() const { return open_one(&Registry::devices); }
    std::shared_ptr<TicketRegistry> open_tickets() const { return open_one(&Registry::tickets); }
    std::shared_ptr<Ledger> open_ledger() const { return open_one(&Registry::ledger); }
    std::shared_ptr<UserRegistry> open_users() const { return open_one(&Registry::users); }
    std::shared_ptr<LoginRecords> open_logins() const { return open_one(&Registry::logins); }
    void set_now(UnixSeconds t) { *now_ = t; }
    UnixSeconds now() const { return *now_; }

    // A connection of its own to the test database, past the registry (PostgreSQL only).
    postgresql::PgConnection raw_connection() const { return server_->connect_to_own(); }

    // SQL straight to the database, past the registry (as a tampering insider would).
    void raw_exec(const std::string& sql) const {
        if (server_) return server_->exec(sql);
        sqlite::Database(path()).exec(sql, "raw");
    }

    // Every stored byte, to look for secrets that must not be there: the file and its WAL, or
    // every row of every table as PostgreSQL prints it.
    std::string all_bytes() const {
        if (server_) return server_->all_rows();
        std::string bytes;
        for (const char* suffix : {"", "-wal"}) {
            std::ifstream in(path() + suffix, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        return bytes;
    }

private:
    template <class Narrow>
    std::shared_ptr<Narrow> open_one(Narrow& (Registry::*narrow)()) const {
        auto registry = open_registry();
        return std::shared_ptr<Narrow>(registry, &(registry.get()->*narrow)());
    }

    // A database of its own on the test server, created and migrated by its owner, dropped at
    // the end. The superuser's password goes to a password_file: a URL never carries one.
    class Database {
    public:
        explicit Database(const std::filesystem::path& dir) {
            static std::atomic<int> counter{0};
            name_ = "sekisho_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
            const std::string url = std::getenv("SEKISHO_TEST_POSTGRES_URL"); // postgresql://u:p@host:port/db
            const auto scheme = url.find("://") + 3, at = url.rfind('@'), colon = url.find(':', scheme);
            const auto slash = url.find('/', at);
            user_ = url.substr(scheme, colon - scheme);
            password_ = url.substr(colon + 1, at - colon - 1);
            host_port_ = url.substr(at + 1, slash - at - 1);
            password_file_ = (dir / "pgpass").string();
            std::ofstream(password_file_) << password_ << "\n";
            admin("CREATE DATABASE " + name_);
            config::RegistryConfig registry;
            registry.postgresql = config();
            store::migrate_registry(registry);
        }
        ~Database() {
            try {
                admin("DROP DATABASE " + name_ + " WITH (FORCE)");
            } catch (...) {
            }
        }
        config::PostgresqlConfig config() const {
            config::PostgresqlConfig c;
            c.url = "postgresql://" + user_ + "@" + host_port_ + "/" + name_;
            c.password_file = password_file_;
            c.sslmode = "disable";
            return c;
        }
        std::string location() const { return "postgresql://" + user_ + "@" + host_port_ + "/" + name_; }
        void exec(const std::string& sql) const { connect(name_).exec(sql, "raw"); }
        postgresql::PgConnection connect_to_own() const { return connect(name_); }
        std::string all_rows() const {
            auto db = connect(name_);
            std::string rows;
            sql::Statement tables(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", "list tables");
            std::vector<std::string> names;
            while (tables.step()) names.push_back(tables.text(0));
            for (const auto& table : names) {
                sql::Statement all(db, "SELECT t::text FROM " + table + " t", "read " + table);
                while (all.step()) rows += all.text(0) + "\n";
            }
            return rows;
        }

    private:
        postgresql::PgConnection connect(const std::string& database) const {
            postgresql::ConnectionSettings s;
            s.location = "postgresql://" + user_ + "@" + host_port_ + "/" + database;
            s.parameters = {{"dbname", s.location}, {"password", password_}, {"sslmode", "disable"}};
            return postgresql::PgConnection(s);
        }
        void admin(const std::string& sql) const { connect("postgres").exec(sql, "administer the test server"); }

        std::string name_, user_, password_, host_port_, password_file_;
    };

    std::filesystem::path dir_;
    std::shared_ptr<UnixSeconds> now_ = std::make_shared<UnixSeconds>(kStart);
    std::optional<Database> server_;
};

// A certificate record as the CA would report it; serial and fingerprint derive from n.
inline DeviceCertificate test_certificate(int n, UnixSeconds not_after = kStart + 365 * 86400,
                                          const std::string& issuer = "Device CA") {
    char serial[32];
    std::snprintf(serial, sizeof serial, "5EC%013X", static_cast<unsigned>(n));
    char fingerprint[65];
    std::snprintf(fingerprint, sizeof fingerprint, "%064x", static_cast<unsigned>(0xf00000 + n));
    DeviceCertificate cert;
    cert.serial_hex = serial;
    cert.fingerprint_sha256 = fingerprint;
    cert.not_before = kStart - 60;
    cert.not_after = not_after;
    cert.issued_at = kStart;
    cert.issuer = issuer;
    return cert;
}

// Argon2id parameters cheap enough for tests; the defaults (19 MiB) would make them slow.
inline const credentials::Argon2Params kFastArgon2{1024, 1, 1};

inline std::string fast_hash(std::string_view password) {
    return credentials::hash_password(password, kFastArgon2);
}

// A user of facility north (or the given one) whose password is "First-Pass-1".
inline User make_nurse(UserRegistry& users, const std::string& id = "yamada.hanako",
                       const std::string& facility = "north") {
    return users.create_user(id, "Yamada Hanako", facility, {"nurse", "ward-3"}, fast_hash("First-Pass-1"),
                             true, "admin:alice");
}

inline std::vector<std::string> ledger_actions(const TempRegistry& temp) {
    std::vector<std::string> actions;
    for (const LedgerEntry& e : temp.open_ledger()->ledger())
        actions.push_back(e.action);
    return actions;
}

} // namespace sekisho::store::test
