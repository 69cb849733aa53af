// Break-glass accounts in the user registry: marking an emergency account and
// opening or closing the period in which it may log in, each with a reason in the ledger.
#include "store/json_details.hpp"
#include "store/registry_rules.hpp"
#include "store/sql/ledger.hpp"
#include "store/sql/users_impl.hpp"

namespace sekisho::store::sql {

void SqlUsers::set_break_glass_account(const std::string& id, bool emergency, const std::string& reason,
                                          const std::string& actor) {
    const std::string operation = "mark user " + id + (emergency ? " as" : " as not") + " a break-glass account";
    db_.check(rules::required_text(actor, "the actor"), operation);
    db_.check(rules::required_text(reason, "the reason"), operation);
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    const User user = require_user(id, operation);
    if (user.break_glass == emergency)
        db_.fail(operation, emergency ? "the user already is a break-glass account" : "the user is no break-glass account");
    Statement update(db_,
                     "UPDATE users SET break_glass = ?2, break_glass_until = NULL, updated_at = ?3, updated_by = ?4 "
                     "WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind(2, std::int64_t{emergency ? 1 : 0}).bind(3, now).bind(4, actor);
    update.run();
    append_ledger(db_, now, actor, "user.break_glass_account", user.id, reason,
                  JsonDetails().add("emergency", std::int64_t{emergency ? 1 : 0}).str());
    bump_revision(db_, operation);
    tx.commit();
}

void SqlUsers::set_break_glass_period(const std::string& id, std::optional<UnixSeconds> until,
                                         const std::string& reason, const std::string& actor) {
    const std::string operation = std::string(until ? "open" : "close") + " the break-glass period of user " + id;
    db_.check(rules::required_text(actor, "the actor"), operation);
    if (reason.empty()) db_.fail(operation, "the reason must not be empty (it is kept in the ledger)");
    const UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    const User user = require_user(id, operation);
    if (!user.break_glass) db_.fail(operation, "the user is no break-glass account (sekishoctl user add --break-glass)");
    if (until && *until <= now) db_.fail(operation, "the period must end in the future");
    if (!until && (!user.break_glass_until || *user.break_glass_until <= now))
        db_.fail(operation, "no break-glass period is open");
    // Opening a period starts a new session epoch: a login inside the period then carries an
    // epoch that the gateway's last read of the users (from before the opening, when the
    // account was still barred) does not know yet, and that read does not end the session
    // (AuthService::why_session_ends); the next read, which this change triggers, decides.
    Statement update(db_,
                     "UPDATE users SET break_glass_until = ?2, updated_at = ?3, updated_by = ?4, "
                     "session_epoch = session_epoch + ?5 WHERE id = ?1",
                     operation);
    update.bind(1, user.id).bind_nullable(2, until).bind(3, now).bind(4, actor).bind(5, until ? 1 : 0);
    update.run();
    JsonDetails details;
    if (until) details.add("until", *until);
    details.add("facility", user.facility); // whose emergency account: the alert reaches that facility
    append_ledger(db_, now, actor, until ? "user.break_glass_open" : "user.break_glass_close", user.id, reason,
                  details.str());
    bump_revision(db_, operation);
    tx.commit();
}

} // namespace sekisho::store::sql
