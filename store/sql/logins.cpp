// Login outcomes and lockout in the user registry.
#include "store/json_details.hpp"
#include "store/registry_rules.hpp"
#include "store/sql/ledger.hpp"
#include "store/sql/users_impl.hpp"

namespace sekisho::store::sql {

namespace {

void require_policy(const Connection& db, const LockoutPolicy& policy, std::string_view operation) {
    db.check(rules::lockout_policy(policy), operation);
}

} // namespace

User SqlUsers::record_login_success(const std::string& id, const std::string& source, UnixSeconds now) {
    const std::string operation = "record a login of user " + id;
    Transaction tx(db_, Transaction::Kind::write, operation);
    User before = require_user(id, operation);
    if (before.status == UserStatus::disabled) db_.fail(operation, "the user is disabled");
    if (is_locked(before, now)) {
        db_.fail(operation,
                 "the user is locked until " + std::to_string(*before.locked_until) + " (Unix time)");
    }
    Statement update(db_,
                     "UPDATE users SET failed_since_success = 0, last_login_at = ?2, last_login_from = ?3, "
                     "locked_until = NULL WHERE id = ?1",
                     operation);
    update.bind(1, before.id).bind(2, now).bind(3, source);
    update.run();
    forget_failures(before.id, operation);
    append_ledger(db_, now, "user:" + before.id, "user.login", before.id, "",
                  JsonDetails()
                      .add("source_address", source)
                      .add("failures_since_previous", std::int64_t{before.failed_since_success})
                      .str());
    // No revision bump: login bookkeeping changes no view the gateway holds (admission,
    // session standing), and a gateway that reloaded those at every login would spend its
    // core on it in a login storm. (The gateway logs logins itself; its ledger copy skips them.)
    tx.commit();
    return before;
}

LoginFailure SqlUsers::record_login_failure(const std::string& id, const std::string& source,
                                               UnixSeconds now, const LockoutPolicy& policy) {
    const std::string operation = "record a failed login of user " + id;
    require_policy(db_, policy, operation);
    Transaction tx(db_, Transaction::Kind::write, operation);
    User user = require_user(id, operation);
    const bool already_locked = is_locked(user, now);

    // Failures while locked are recorded but count towards no further lock.
    if (!already_locked) {
        Statement insert(db_, "INSERT INTO login_failures (user_id, at) VALUES (?1, ?2)", operation);
        insert.bind(1, user.id).bind(2, now);
        insert.run();
    }
    Statement expire(db_, "DELETE FROM login_failures WHERE user_id = ?1 AND at <= ?2", operation);
    expire.bind(1, user.id).bind(2, now - policy.window_seconds);
    expire.run();
    Statement count(db_, "SELECT COUNT(*) FROM login_failures WHERE user_id = ?1", operation);
    count.bind(1, user.id);
    count.step();
    LoginFailure result{static_cast<int>(count.integer(0)),
                        already_locked ? user.locked_until : std::nullopt};

    Statement update(db_,
                     "UPDATE users SET failed_since_success = failed_since_success + 1, last_failed_at = ?2 "
                     "WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind(2, now);
    update.run();
    const std::string actor = "client:" + source;
    append_ledger(db_, now, actor, "user.login_failed", user.id, "wrong password",
                  JsonDetails()
                      .add("source_address", source)
                      .add("failures_in_window", std::int64_t{result.failures_in_window})
                      .str());

    if (!already_locked && result.failures_in_window >= policy.max_failures) {
        result.locked_until = now + policy.lock_seconds;
        Statement lock_user(db_, "UPDATE users SET locked_until = ?2 WHERE id = ?1", operation);
        lock_user.bind(1, user.id).bind(2, *result.locked_until);
        lock_user.run();
        // The lock uses up these failures: after it ends, a fresh series is needed to lock again.
        forget_failures(user.id, operation);
        append_ledger(
            db_, now, actor, "user.locked", user.id,
            std::to_string(result.failures_in_window) + " failed logins within " +
                std::to_string(policy.window_seconds) + " s",
            JsonDetails().add("source_address", source).add("locked_until", *result.locked_until).str());
    }
    // No revision bump, as for a success: a lock ends no session (it refuses the next login).
    tx.commit();
    return result;
}

void SqlUsers::unlock(const std::string& id, const std::string& actor) {
    const std::string operation = "unlock user " + id;
    db_.check(rules::required_text(actor, "the actor"), operation);
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    User user = require_user(id, operation);
    Statement update(db_,
                     "UPDATE users SET locked_until = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind(2, now).bind(3, actor);
    update.run();
    forget_failures(user.id, operation);
    JsonDetails details;
    if (user.locked_until) details.add("was_locked_until", *user.locked_until);
    append_ledger(db_, now, actor, "user.unlock", user.id, "", details.str());
    bump_revision(db_, operation);
    tx.commit();
}

} // namespace sekisho::store::sql
