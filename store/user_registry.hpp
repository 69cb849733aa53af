// The user registry: people who log in with ID and password as the second factor after the
// terminal certificate (issue 4) — their accounts, passwords and status. A narrow interface
// like DeviceRegistry; login outcomes and lockout (login_records.hpp) and break-glass periods
// (break_glass.hpp) are others, all in the same store, ledger and revision counter as the
// devices. Passwords reach the registry only as Argon2id hashes
// (credentials/password_hash.hpp); checking them is the caller's job, on the blocking pool.
#pragma once

#include "store/types.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::store {

enum class UserStatus { active, disabled };

std::string to_string(UserStatus status);         // "active", "disabled"
UserStatus parse_user_status(const std::string&); // throws RegistryError on other text

struct User {
    std::string id; // [A-Za-z0-9._@-]{1,64}, unique regardless of case
    std::string display_name;
    std::string facility;
    std::vector<std::string> roles; // each [a-z0-9_-]+
    UserStatus status = UserStatus::active;
    std::string password_hash; // Argon2id encoded form
    bool must_change = false;  // change the password before anything is proxied
    std::optional<UnixSeconds> last_login_at;
    std::optional<std::string> last_login_from;
    int failed_since_success = 0; // failed logins since the last successful one
    std::optional<UnixSeconds> last_failed_at;
    std::optional<UnixSeconds> locked_until;
    UnixSeconds created_at = 0;
    std::string created_by;
    UnixSeconds updated_at = 0;
    std::string updated_by;
    bool break_glass = false; // an emergency account (issue 4 item 8)
    std::optional<UnixSeconds> break_glass_until;
    // Raised by set_password(admin_reset) and by a disable (and must be by any later writer
    // of roles or facility): sessions made under an older epoch end. The user's own password
    // change keeps it, so the session that made the change goes on.
    std::int64_t session_epoch = 0;
};

// Which ledger action a password change writes.
enum class PasswordChange {
    by_user,     // "user.password_set": the user's own change, or the first password
    admin_reset, // "user.password_reset": the reason must hold the identity-check note
};

// The number of password hashes kept per user, the current one included.
inline constexpr std::size_t kPasswordHistoryDepth = 5;

bool is_valid_user_id(std::string_view id);        // [A-Za-z0-9._@-]{1,64}
bool is_valid_role(std::string_view role);         // [a-z0-9_-]+

// The roles of authenticated administration (operations/administrators.hpp says what each
// may do): holding any of them makes a user an administrator, whose account is for the
// administration API only.
inline constexpr std::array<std::string_view, 4> kAdministrationRoles{"admin", "operator", "security", "auditor"};
bool is_administration_role(std::string_view role);
bool is_administrator(const User& user); // holds at least one administration role

// Every write runs in one transaction that also appends to the ledger and increments the
// registry revision. Unknown users, duplicate or malformed ids and roles, empty actors and
// hashes that are not Argon2id are refused with a RegistryError naming the user and the
// operation. Implementations are safe to call from several threads.
class UserRegistry {
public:
    virtual ~UserRegistry() = default;

    // Ledger "user.create"; the hash also starts the password history.
    virtual User create_user(const std::string& id, const std::string& display_name,
                             const std::string& facility, const std::vector<std::string>& roles,
                             const std::string& password_hash, bool must_change,
                             const std::string& actor) = 0;

    // Looks the id up regardless of case; User::id is the spelling it was created with.
    // Unknown and malformed ids give nullopt (a login form passes whatever was typed).
    virtual std::optional<User> get_user(const std::string& id) = 0;
    virtual std::vector<User> list_users(const std::optional<std::string>& facility = {}) = 0; // by id
    // The users locked out at now (locked_until later than now), by id: what the dashboard
    // shows, found without reading every account.
    virtual std::vector<User> locked_users(UnixSeconds now) = 0;

    // Replaces the password hash and keeps the last kPasswordHistoryDepth in the history.
    // An admin_reset needs a non-empty reason (the identity check, REQUIREMENTS §3).
    virtual void set_password(const std::string& id, const std::string& new_hash, bool must_change,
                              const std::string& actor, const std::string& reason, PasswordChange kind) = 0;

    // The same password hashed again with today's parameters (after a successful login):
    // replaces current_hash where it is still the user's hash, in the user and in the history
    // entry that holds it, so the history gains no entry (ledger "user.password_rehash").
    // Returns false, changing nothing, when the hash changed meanwhile (a reset won).
    virtual bool rehash_password(const std::string& id, const std::string& current_hash,
                                 const std::string& new_hash) = 0;

    // The kept hashes, most recent (the current one) first.
    virtual std::vector<std::string> password_history(const std::string& id) = 0;

    // Ledger "user.disable" / "user.enable"; setting the current status is refused.
    virtual void set_status(const std::string& id, UserStatus status, const std::string& reason,
                            const std::string& actor) = 0;

    // The revision shared with DeviceRegistry::revision() of the same registry.
    virtual std::int64_t revision() = 0;
};

} // namespace sekisho::store
