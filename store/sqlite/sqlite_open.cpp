// The SQLite Registry: the SQL implementation (store/sql/) over connections to one file.
#include "store/sqlite/sqlite_open.hpp"

#include "store/sql/pooled_registry.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/sqlite_db.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace sekisho::store::sqlite {

namespace {

// The file the store's first connection opened. A pool opens further connections when more
// callers are busy at once, possibly hours later, and each open creates a missing file and
// migrates it: a registry moved away, replaced (a restored backup) or deleted meanwhile
// would split reads and writes between two files, or start an empty one. A further
// connection must therefore find the same file (device and inode) at the path before and
// after it opens; anything else fails the call, closed, until the gateway is restarted.
class SameFile {
public:
    explicit SameFile(std::string path) : path_(std::move(path)) {}

    // The first call comes from the store's constructor (a pool opens its first connection
    // there), before any other thread can reach the store; later calls only read identity_.
    template <class Open>
    auto open(Open&& open_connection) {
        if (!identity_) {
            auto connection = open_connection();
            identity_ = current();
            if (!identity_)
                throw RegistryError("registry " + path_ + ": cannot read the file after opening it: " +
                                    std::strerror(errno));
            return connection;
        }
        check("before opening another connection");
        auto connection = open_connection();
        check("after opening another connection");
        return connection;
    }

private:
    using Identity = std::pair<dev_t, ino_t>;

    std::optional<Identity> current() const {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0) return std::nullopt;
        return Identity{st.st_dev, st.st_ino};
    }
    void check(const char* when) const {
        const auto now = current();
        if (now != identity_)
            throw RegistryError("registry " + path_ + ": the file was " + (now ? "replaced" : "removed") +
                                " while the gateway used it (" + when + "); restart to use the file now there");
    }

    std::string path_;
    std::optional<Identity> identity_;
};

} // namespace

std::shared_ptr<Registry> open_registry(const std::string& path, Clock clock) {
    {
        Database first(path); // creates the file and migrates it before any pool opens
        migrate(first);
    }
    auto file = std::make_shared<SameFile>(path);
    return sql::open_pooled_registry(
        path, [path, file] { return file->open([&] { return std::make_unique<Database>(path); }); }, std::move(clock));
}

std::unique_ptr<sql::Connection> open_connection(const std::string& path) {
    if (!std::filesystem::exists(path)) throw RegistryError("registry " + path + ": no such file");
    auto db = std::make_unique<Database>(path);
    migrate(*db); // refuses a newer file; an older one is brought up to date, as any open does
    return db;
}

MigrationReport migrate_registry(const std::string& path) {
    Database db(path);
    MigrationReport report{path, schema_version(db), 0};
    migrate(db);
    report.to = schema_version(db);
    return report;
}

} // namespace sekisho::store::sqlite
