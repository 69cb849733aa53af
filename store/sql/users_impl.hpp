// Internal to the registry's SQL implementation: the UserRegistry, LoginRecords and
// BreakGlass, whose operations are spread over users.cpp (accounts, passwords, status),
// logins.cpp (login outcomes and lockout) and break_glass.cpp. One class for the three, as
// before they were split: they share its user loading and failure bookkeeping.
#pragma once

#include "store/sql/connection.hpp"
#include "store/clock.hpp"
#include "store/break_glass.hpp"
#include "store/login_records.hpp"
#include "store/user_registry.hpp"

#include <memory>

namespace sekisho::store::sql {

class SqlUsers final : public UserRegistry, public LoginRecords, public BreakGlass {
public:
    // Takes a connection to a registry whose schema is up to date.
    SqlUsers(std::unique_ptr<Connection> connection, Clock clock);
    bool usable() const { return db_.usable(); }

    User create_user(const std::string& id, const std::string& display_name, const std::string& facility,
                     const std::vector<std::string>& roles, const std::string& password_hash,
                     bool must_change, const std::string& actor) override;
    std::optional<User> get_user(const std::string& id) override;
    std::vector<User> list_users(const std::optional<std::string>& facility) override;
    std::vector<User> locked_users(UnixSeconds now) override;
    void set_password(const std::string& id, const std::string& new_hash, bool must_change,
                      const std::string& actor, const std::string& reason, PasswordChange kind) override;
    bool rehash_password(const std::string& id, const std::string& current_hash,
                         const std::string& new_hash) override;
    std::vector<std::string> password_history(const std::string& id) override;
    void set_status(const std::string& id, UserStatus status, const std::string& reason,
                    const std::string& actor) override;
    User record_login_success(const std::string& id, const std::string& source, UnixSeconds now) override;
    LoginFailure record_login_failure(const std::string& id, const std::string& source, UnixSeconds now,
                                      const LockoutPolicy& policy) override;
    void unlock(const std::string& id, const std::string& actor) override;
    void set_break_glass_account(const std::string& id, bool emergency, const std::string& reason,
                                 const std::string& actor) override;
    void set_break_glass_period(const std::string& id, std::optional<UnixSeconds> until, const std::string& reason,
                                const std::string& actor) override;
    std::int64_t revision() override;

private:
    std::optional<User> load_user(const std::string& id, std::string_view operation);
    // As load_user(), failing with "no such user" (and a malformed id with its rule).
    User require_user(const std::string& id, std::string_view operation);
    // Appends hash to the user's history and drops all but the newest kPasswordHistoryDepth.
    void remember_password(const std::string& user_id, const std::string& hash, UnixSeconds at,
                           std::string_view operation);
    void forget_failures(const std::string& user_id, std::string_view operation);

    std::unique_ptr<Connection> connection_; // one caller at a time: the pool's lease
    Connection& db_;
    Clock clock_;
};

} // namespace sekisho::store::sql
