// The SQLite Registry: each narrow interface forwards every call to a connection of its own
// pool (store/sqlite/connection_pool.hpp), so callers share one handle from any thread.
#include "store/sqlite/sqlite_open.hpp"

#include "store/sqlite/connection_pool.hpp"
#include "store/sqlite/sqlite_registry_impl.hpp"
#include "store/sqlite/sqlite_users_impl.hpp"

#include <sys/stat.h>

#include <cerrno>
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

class PooledDevices final : public DeviceRegistry {
public:
    PooledDevices(const std::string& path, const Clock& clock, std::shared_ptr<SameFile> file)
        : pool_([path, clock, file] { return file->open([&] { return std::make_unique<SqliteRegistry>(path, clock); }); }) {}

    Device create_device(const std::string& facility, const std::string& name, const std::string& actor) override {
        return pool_.take()->create_device(facility, name, actor);
    }
    std::optional<Device> get_device(const std::string& id) override { return pool_.take()->get_device(id); }
    std::vector<Device> list_devices(const std::optional<std::string>& facility,
                                     const std::optional<DeviceStatus>& status) override {
        return pool_.take()->list_devices(facility, status);
    }
    std::optional<Device> find_device_by_fingerprint(const std::string& fingerprint) override {
        return pool_.take()->find_device_by_fingerprint(fingerprint);
    }
    void add_certificate(const std::string& device_id, const DeviceCertificate& cert,
                         const std::string& actor) override {
        pool_.take()->add_certificate(device_id, cert, actor);
    }
    void set_status(const std::string& device_id, DeviceStatus status, const std::string& reason,
                    const std::string& actor) override {
        pool_.take()->set_status(device_id, status, reason, actor);
    }
    void revoke_certificate(const std::string& serial_hex, const std::string& reason,
                            const std::string& actor) override {
        pool_.take()->revoke_certificate(serial_hex, reason, actor);
    }
    std::size_t revoke_superseded(UnixSeconds overlap, const std::string& actor) override {
        return pool_.take()->revoke_superseded(overlap, actor);
    }
    std::vector<RevokedSerial> revoked_serials(const std::string& issuer) override {
        return pool_.take()->revoked_serials(issuer);
    }
    std::vector<std::string> active_fingerprints() override { return pool_.take()->active_fingerprints(); }
    std::vector<AdmittedCertificate> admitted_certificates() override { return pool_.take()->admitted_certificates(); }
    std::int64_t revision() override { return pool_.take()->revision(); }

    std::pair<EnrollmentTicket, std::string> create_ticket(const std::string& facility, const std::string& device_name,
                                                           std::int64_t ttl_seconds, const std::string& actor,
                                                           int max_uses) override {
        return pool_.take()->create_ticket(facility, device_name, ttl_seconds, actor, max_uses);
    }
    Redemption redeem_ticket(const std::string& ticket_id, const std::string& code, const std::string& source_address,
                             UnixSeconds now) override {
        return pool_.take()->redeem_ticket(ticket_id, code, source_address, now);
    }
    void attach_ticket_device(const std::string& ticket_id, const std::string& device_id,
                              const std::string& actor) override {
        pool_.take()->attach_ticket_device(ticket_id, device_id, actor);
    }
    std::optional<EnrollmentTicket> get_ticket(const std::string& id) override { return pool_.take()->get_ticket(id); }
    std::vector<EnrollmentTicket> list_tickets(bool include_expired) override {
        return pool_.take()->list_tickets(include_expired);
    }
    std::vector<LedgerEntry> ledger(std::int64_t since_seq, std::size_t limit) override {
        return pool_.take()->ledger(since_seq, limit);
    }

private:
    ConnectionPool<SqliteRegistry> pool_;
};

class PooledUsers final : public UserRegistry {
public:
    PooledUsers(const std::string& path, const Clock& clock, std::shared_ptr<SameFile> file)
        : pool_([path, clock, file] { return file->open([&] { return std::make_unique<SqliteUsers>(path, clock); }); }) {}

    User create_user(const std::string& id, const std::string& display_name, const std::string& facility,
                     const std::vector<std::string>& roles, const std::string& password_hash, bool must_change,
                     const std::string& actor) override {
        return pool_.take()->create_user(id, display_name, facility, roles, password_hash, must_change, actor);
    }
    std::optional<User> get_user(const std::string& id) override { return pool_.take()->get_user(id); }
    std::vector<User> list_users(const std::optional<std::string>& facility) override {
        return pool_.take()->list_users(facility);
    }
    void set_password(const std::string& id, const std::string& new_hash, bool must_change, const std::string& actor,
                      const std::string& reason, PasswordChange kind) override {
        pool_.take()->set_password(id, new_hash, must_change, actor, reason, kind);
    }
    bool rehash_password(const std::string& id, const std::string& current_hash,
                         const std::string& new_hash) override {
        return pool_.take()->rehash_password(id, current_hash, new_hash);
    }
    std::vector<std::string> password_history(const std::string& id) override {
        return pool_.take()->password_history(id);
    }
    void set_status(const std::string& id, UserStatus status, const std::string& reason,
                    const std::string& actor) override {
        pool_.take()->set_status(id, status, reason, actor);
    }
    User record_login_success(const std::string& id, const std::string& source, UnixSeconds now) override {
        return pool_.take()->record_login_success(id, source, now);
    }
    LoginFailure record_login_failure(const std::string& id, const std::string& source, UnixSeconds now,
                                      const LockoutPolicy& policy) override {
        return pool_.take()->record_login_failure(id, source, now, policy);
    }
    void unlock(const std::string& id, const std::string& actor) override { pool_.take()->unlock(id, actor); }
    void set_break_glass_account(const std::string& id, bool emergency, const std::string& reason,
                                 const std::string& actor) override {
        pool_.take()->set_break_glass_account(id, emergency, reason, actor);
    }
    // Opening a period also raises the user's session epoch (sqlite_break_glass.cpp).
    void set_break_glass_period(const std::string& id, std::optional<UnixSeconds> until, const std::string& reason,
                                const std::string& actor) override {
        pool_.take()->set_break_glass_period(id, until, reason, actor);
    }
    std::int64_t revision() override { return pool_.take()->revision(); }

private:
    ConnectionPool<SqliteUsers> pool_;
};

class SqliteStore final : public Registry {
public:
    SqliteStore(const std::string& path, const Clock& clock)
        : path_(path), file_(std::make_shared<SameFile>(path)), devices_(path, clock, file_), users_(path, clock, file_) {}

    DeviceRegistry& devices() override { return devices_; }
    UserRegistry& users() override { return users_; }
    const std::string& location() const override { return path_; }

private:
    std::string path_;
    std::shared_ptr<SameFile> file_;
    PooledDevices devices_;
    PooledUsers users_;
};

} // namespace

std::shared_ptr<Registry> open_registry(const std::string& path, Clock clock) {
    if (!clock) throw RegistryError("registry " + path + ": open: no clock was given");
    return std::make_shared<SqliteStore>(path, clock);
}

} // namespace sekisho::store::sqlite
