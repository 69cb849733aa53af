// Users, their passwords and status in the registry.
#include "store/json_details.hpp"
#include "store/registry_rules.hpp"
#include "store/sql/ledger.hpp"
#include "store/sql/users_impl.hpp"

#include <algorithm>

namespace sekisho::store::sql {

namespace {

constexpr std::string_view kUserColumns =
    "id, display_name, facility, roles, status, password_hash, must_change, last_login_at, "
    "last_login_from, failed_since_success, last_failed_at, locked_until, created_at, created_by, "
    "updated_at, updated_by, break_glass, break_glass_until, session_epoch";

// An active holder of the role admin, not an emergency account: the administrators that
// must not all go (REQUIREMENTS §3).
bool is_counted_admin(const User& user) {
    return user.status == UserStatus::active && !user.break_glass &&
           std::find(user.roles.begin(), user.roles.end(), "admin") != user.roles.end();
}

std::vector<std::string> split_roles(const std::string& text) {
    std::vector<std::string> roles;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) roles.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return roles;
}

User user_from_row(const Statement& row) {
    User u;
    u.id = row.text(0);
    u.display_name = row.text(1);
    u.facility = row.text(2);
    u.roles = split_roles(row.text(3));
    u.status = parse_user_status(row.text(4));
    u.password_hash = row.text(5);
    u.must_change = row.integer(6) != 0;
    u.last_login_at = row.optional_integer(7);
    u.last_login_from = row.optional_text(8);
    u.failed_since_success = static_cast<int>(row.integer(9));
    u.last_failed_at = row.optional_integer(10);
    u.locked_until = row.optional_integer(11);
    u.created_at = row.integer(12);
    u.created_by = row.text(13);
    u.updated_at = row.integer(14);
    u.updated_by = row.text(15);
    u.break_glass = row.integer(16) != 0;
    u.break_glass_until = row.optional_integer(17);
    u.session_epoch = row.integer(18);
    return u;
}

void require_text(const Connection& db, const std::string& value, const char* what,
                  std::string_view operation) {
    db.check(rules::required_text(value, what), operation);
}

void require_valid_id(const Connection& db, const std::string& id, std::string_view operation) {
    db.check(rules::user_id(id), operation);
}

void require_argon2id(const Connection& db, const std::string& hash, std::string_view operation) {
    db.check(rules::password_hash(hash), operation);
}

// Roles in the order given, duplicates dropped, joined by spaces for the roles column.
std::string join_roles(const Connection& db, const std::vector<std::string>& roles,
                       std::string_view operation) {
    std::vector<std::string> seen;
    std::string joined;
    for (const std::string& role : roles) {
        db.check(rules::role(role), operation);
        if (std::find(seen.begin(), seen.end(), role) != seen.end()) continue;
        seen.push_back(role);
        joined += (joined.empty() ? "" : " ") + role;
    }
    return joined;
}

} // namespace

SqlUsers::SqlUsers(std::unique_ptr<Connection> connection, Clock clock)
    : connection_(std::move(connection)), db_(*connection_), clock_(std::move(clock)) {
    if (!clock_) db_.fail("open", "no clock was given");
}

std::optional<User> SqlUsers::load_user(const std::string& id, std::string_view operation) {
    Statement query(db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE id = ?1", operation);
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return user_from_row(query);
}

User SqlUsers::require_user(const std::string& id, std::string_view operation) {
    require_valid_id(db_, id, operation);
    std::optional<User> user = load_user(id, operation);
    if (!user) db_.fail(operation, "no such user");
    return *user;
}

void SqlUsers::remember_password(const std::string& user_id, const std::string& hash, UnixSeconds at,
                                    std::string_view operation) {
    Statement insert(db_, "INSERT INTO password_history (user_id, password_hash, set_at) VALUES (?1, ?2, ?3)",
                     operation);
    insert.bind(1, user_id).bind(2, hash).bind(3, at);
    insert.run();
    Statement prune(db_,
                    "DELETE FROM password_history WHERE user_id = ?1 AND seq NOT IN "
                    "(SELECT seq FROM password_history WHERE user_id = ?1 ORDER BY seq DESC LIMIT ?2)",
                    operation);
    prune.bind(1, user_id).bind(2, static_cast<std::int64_t>(kPasswordHistoryDepth));
    prune.run();
}

void SqlUsers::forget_failures(const std::string& user_id, std::string_view operation) {
    Statement clear(db_, "DELETE FROM login_failures WHERE user_id = ?1", operation);
    clear.bind(1, user_id);
    clear.run();
}

User SqlUsers::create_user(const std::string& id, const std::string& display_name,
                              const std::string& facility, const std::vector<std::string>& roles,
                              const std::string& password_hash, bool must_change, const std::string& actor) {
    const std::string operation = "create user " + id;
    require_valid_id(db_, id, operation);
    require_text(db_, display_name, "the display name", operation);
    require_text(db_, facility, "the facility", operation);
    require_text(db_, actor, "the actor", operation);
    require_argon2id(db_, password_hash, operation);
    const std::string joined_roles = join_roles(db_, roles, operation);

    User user;
    user.id = id;
    user.display_name = display_name;
    user.facility = facility;
    user.roles = split_roles(joined_roles);
    user.password_hash = password_hash;
    user.must_change = must_change;
    user.created_at = user.updated_at = clock_();
    user.created_by = user.updated_by = actor;

    Transaction tx(db_, Transaction::Kind::write, operation);
    if (std::optional<User> existing = load_user(id, operation)) {
        db_.fail(operation, "a user with this id already exists (\"" + existing->id +
                                "\"; ids are compared regardless of case)");
    }
    Statement insert(db_,
                     "INSERT INTO users (id, display_name, facility, roles, status, password_hash, "
                     "must_change, created_at, created_by, updated_at, updated_by) "
                     "VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6, ?7, ?8, ?7, ?8)",
                     operation);
    insert.bind(1, id).bind(2, display_name).bind(3, facility).bind(4, joined_roles);
    insert.bind(5, password_hash).bind(6, std::int64_t{must_change ? 1 : 0});
    insert.bind(7, user.created_at).bind(8, actor);
    insert.run();
    remember_password(id, password_hash, user.created_at, operation);
    append_ledger(db_, user.created_at, actor, "user.create", id, "",
                  JsonDetails()
                      .add("facility", facility)
                      .add("display_name", display_name)
                      .add("roles", joined_roles)
                      .add("must_change", std::int64_t{must_change ? 1 : 0})
                      .str());
    bump_revision(db_, operation);
    tx.commit();
    return user;
}

std::optional<User> SqlUsers::get_user(const std::string& id) {
    const std::string operation = "read user " + id;
    if (!is_valid_user_id(id)) return std::nullopt; // nothing malformed was ever stored
    return load_user(id, operation);
}

std::vector<User> SqlUsers::list_users(const std::optional<std::string>& facility) {
    constexpr std::string_view kOperation = "list users";
    Statement query(db_,
                    "SELECT " + std::string(kUserColumns) +
                        " FROM users WHERE (CAST(?1 AS TEXT) IS NULL OR facility = ?1) ORDER BY id",
                    kOperation);
    query.bind_nullable(1, facility);
    std::vector<User> users;
    while (query.step())
        users.push_back(user_from_row(query));
    return users;
}

std::vector<User> SqlUsers::locked_users(UnixSeconds now) {
    Statement query(db_, "SELECT " + std::string(kUserColumns) + " FROM users WHERE locked_until > ?1 ORDER BY id",
                    "list locked users");
    query.bind(1, now);
    std::vector<User> users;
    while (query.step()) users.push_back(user_from_row(query));
    return users;
}

void SqlUsers::set_password(const std::string& id, const std::string& new_hash, bool must_change,
                               const std::string& actor, const std::string& reason, PasswordChange kind) {
    const bool reset = kind == PasswordChange::admin_reset;
    const std::string operation = (reset ? "reset the password of user " : "set the password of user ") + id;
    require_text(db_, actor, "the actor", operation);
    require_argon2id(db_, new_hash, operation);
    if (reset && reason.empty()) {
        db_.fail(operation, "a reset needs the identity check as its reason "
                            "(who confirmed the user's identity, and how)");
    }
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    User user = require_user(id, operation);
    Statement update(db_,
                     "UPDATE users SET password_hash = ?2, must_change = ?3, updated_at = ?4, "
                     "updated_by = ?5, session_epoch = session_epoch + ?6 WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind(2, new_hash).bind(3, std::int64_t{must_change ? 1 : 0});
    update.bind(4, now).bind(5, actor).bind(6, std::int64_t{reset ? 1 : 0});
    update.run();
    remember_password(user.id, new_hash, now, operation);
    append_ledger(db_, now, actor, reset ? "user.password_reset" : "user.password_set", user.id, reason,
                  JsonDetails().add("must_change", std::int64_t{must_change ? 1 : 0}).str());
    bump_revision(db_, operation);
    tx.commit();
}

bool SqlUsers::rehash_password(const std::string& id, const std::string& current_hash,
                                  const std::string& new_hash) {
    const std::string operation = "rehash the password of user " + id;
    require_argon2id(db_, new_hash, operation);
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    User user = require_user(id, operation);
    if (user.password_hash != current_hash) return false;
    Statement update(db_, "UPDATE users SET password_hash = ?2 WHERE id = ?1", operation);
    update.bind(1, user.id).bind(2, new_hash);
    update.run();
    Statement history(db_, "UPDATE password_history SET password_hash = ?3 WHERE user_id = ?1 AND password_hash = ?2",
                      operation);
    history.bind(1, user.id).bind(2, current_hash).bind(3, new_hash);
    history.run();
    append_ledger(db_, now, user.id, "user.password_rehash", user.id, "hashed again with the configured parameters",
                  "{}");
    bump_revision(db_, operation);
    tx.commit();
    return true;
}

std::vector<std::string> SqlUsers::password_history(const std::string& id) {
    const std::string operation = "read the password history of user " + id;
    Transaction tx(db_, Transaction::Kind::read, operation);
    User user = require_user(id, operation);
    Statement query(db_,
                    "SELECT password_hash FROM password_history WHERE user_id = ?1 "
                    "ORDER BY seq DESC LIMIT ?2",
                    operation);
    query.bind(1, user.id).bind(2, static_cast<std::int64_t>(kPasswordHistoryDepth));
    std::vector<std::string> hashes;
    while (query.step())
        hashes.push_back(query.text(0));
    return hashes;
}

void SqlUsers::set_status(const std::string& id, UserStatus status, const std::string& reason,
                             const std::string& actor) {
    const std::string operation = "set user " + id + " " + to_string(status);
    require_text(db_, actor, "the actor", operation);
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    User user = require_user(id, operation);
    if (user.status == status) db_.fail(operation, "the user is already " + to_string(status));
    if (status == UserStatus::disabled && is_counted_admin(user)) {
        // In the write transaction (one lock across instances): two administrators disabling
        // each other at once cannot both pass.
        Statement others(db_,
                         "SELECT COUNT(*) FROM users WHERE id <> ?1 AND status = 'active' AND break_glass = 0 "
                         "AND (' ' || roles || ' ') LIKE '% admin %'",
                         operation);
        others.bind(1, user.id);
        if (others.step() && others.integer(0) == 0)
            db_.fail(operation, "the last active administrator (role admin) cannot be disabled: add and enable "
                                "another one first, so that administration stays possible");
    }
    Statement update(db_,
                     "UPDATE users SET status = ?2, updated_at = ?3, updated_by = ?4, "
                     "session_epoch = session_epoch + ?5 WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind(2, to_string(status)).bind(3, now).bind(4, actor);
    update.bind(5, std::int64_t{status == UserStatus::disabled ? 1 : 0});
    update.run();
    append_ledger(db_, now, actor, status == UserStatus::disabled ? "user.disable" : "user.enable", user.id,
                  reason,
                  JsonDetails().add("from", to_string(user.status)).add("to", to_string(status)).str());
    bump_revision(db_, operation);
    tx.commit();
}

std::int64_t SqlUsers::revision() {
    return read_revision(db_);
}

} // namespace sekisho::store::sql
