// Enrollment tickets in the registry.
#include "store/json_details.hpp"
#include "credentials/random_id.hpp"
#include "store/sql/devices_impl.hpp"
#include "credentials/ticket_code.hpp"
#include "codec/hex.hpp"
#include "codec/random.hpp"

namespace sekisho::store::sql {

namespace {

constexpr std::string_view kTicketColumns =
    "id, facility, device_name, created_by, created_at, expires_at, max_uses, uses, "
    "failed_attempts, locked, device_id, temporary_validity";

EnrollmentTicket ticket_from_row(const Statement& row) {
    EnrollmentTicket t;
    t.id = row.text(0);
    t.facility = row.text(1);
    t.device_name = row.text(2);
    t.created_by = row.text(3);
    t.created_at = row.integer(4);
    t.expires_at = row.integer(5);
    t.max_uses = static_cast<int>(row.integer(6));
    t.uses = static_cast<int>(row.integer(7));
    t.failed_attempts = static_cast<int>(row.integer(8));
    t.locked = row.integer(9) != 0;
    t.device_id = row.optional_text(10);
    t.temporary_validity = row.optional_integer(11);
    return t;
}

} // namespace

std::optional<EnrollmentTicket> SqlDevices::load_ticket(const std::string& id,
                                                            std::string_view operation) {
    Statement query(db_, "SELECT " + std::string(kTicketColumns) + " FROM tickets WHERE id = ?1", operation);
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return ticket_from_row(query);
}

std::pair<EnrollmentTicket, std::string>
SqlDevices::create_ticket(const std::string& facility, const std::string& device_name,
                              std::int64_t ttl_seconds, const std::string& actor, int max_uses,
                              std::optional<std::int64_t> temporary_validity) {
    constexpr std::string_view kOperation = "create enrollment ticket";
    require_text(db_, facility, "the facility", kOperation);
    require_text(db_, device_name, "the device name", kOperation);
    require_text(db_, actor, "the actor", kOperation);
    if (ttl_seconds <= 0) {
        db_.fail(kOperation, "the lifetime must be positive, not " + std::to_string(ttl_seconds) + " s");
    }
    if (max_uses < 1) {
        db_.fail(kOperation, "max_uses must be at least 1, not " + std::to_string(max_uses));
    }
    if (temporary_validity && *temporary_validity <= 0) {
        db_.fail(kOperation, "a temporary credential's validity must be positive, not " +
                                 std::to_string(*temporary_validity) + " s");
    }
    EnrollmentTicket ticket;
    ticket.id = credentials::random_id("tkt-");
    ticket.facility = facility;
    ticket.device_name = device_name;
    ticket.created_by = actor;
    ticket.created_at = clock_();
    ticket.expires_at = ticket.created_at + ttl_seconds;
    ticket.max_uses = max_uses;
    ticket.temporary_validity = temporary_validity;
    std::string code = credentials::generate_ticket_code();
    std::string salt = codec::random_bytes(16);

    Transaction tx(db_, Transaction::Kind::write, kOperation);
    Statement insert(db_,
                     "INSERT INTO tickets (id, facility, device_name, created_by, created_at, "
                     "expires_at, max_uses, code_salt_hex, code_hash_hex, temporary_validity) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                     kOperation);
    insert.bind(1, ticket.id).bind(2, facility).bind(3, device_name).bind(4, actor);
    insert.bind(5, ticket.created_at).bind(6, ticket.expires_at);
    insert.bind(7, std::int64_t{max_uses}).bind(8, codec::to_lower_hex(salt));
    insert.bind(9, credentials::hash_ticket_code(ticket.id, code, salt));
    insert.bind_nullable(10, temporary_validity);
    insert.run();
    JsonDetails details;
    details.add("facility", facility)
        .add("device_name", device_name)
        .add("expires_at", ticket.expires_at)
        .add("max_uses", std::int64_t{max_uses});
    if (temporary_validity) details.add("temporary_validity", *temporary_validity);
    append_ledger(ticket.created_at, actor, "ticket.create", ticket.id, "", details.str());
    bump_revision(kOperation);
    tx.commit();
    return {ticket, code};
}

Redemption SqlDevices::redeem_ticket(const std::string& ticket_id, const std::string& code,
                                         const std::string& source_address, UnixSeconds now) {
    const std::string operation = "redeem ticket " + ticket_id;
    // Write lock from the start: two attempts at once must not both count one use or failure.
    Transaction tx(db_, Transaction::Kind::write, operation);
    std::optional<EnrollmentTicket> ticket = load_ticket(ticket_id, operation);
    if (!ticket) return {RedeemOutcome::unknown, std::nullopt};
    // Refusals that change nothing are the caller's to audit; the ledger records changes.
    if (ticket->locked) return {RedeemOutcome::locked, ticket};
    if (now >= ticket->expires_at) return {RedeemOutcome::expired, ticket};
    if (ticket->uses >= ticket->max_uses) return {RedeemOutcome::used_up, ticket};

    Statement secret(db_, "SELECT code_salt_hex, code_hash_hex FROM tickets WHERE id = ?1", operation);
    secret.bind(1, ticket_id);
    secret.step();
    std::optional<std::string> salt = codec::from_hex(secret.text(0));
    if (!salt) db_.fail(operation, "the stored salt is not hex");
    const std::string actor = "client:" + source_address;

    if (!credentials::ticket_code_matches(ticket_id, code, *salt, secret.text(1))) {
        ticket->failed_attempts += 1;
        ticket->locked = ticket->failed_attempts >= kMaxFailedAttempts;
        Statement update(db_, "UPDATE tickets SET failed_attempts = ?2, locked = ?3 WHERE id = ?1",
                         operation);
        update.bind(1, ticket_id).bind(2, std::int64_t{ticket->failed_attempts});
        update.bind(3, std::int64_t{ticket->locked ? 1 : 0});
        update.run();
        append_ledger(now, actor, "ticket.failed", ticket_id, "wrong code",
                      JsonDetails()
                          .add("source_address", source_address)
                          .add("failed_attempts", std::int64_t{ticket->failed_attempts})
                          .str());
        if (ticket->locked) {
            append_ledger(now, actor, "ticket.locked", ticket_id,
                          std::to_string(kMaxFailedAttempts) + " wrong codes",
                          JsonDetails().add("source_address", source_address).str());
        }
        bump_revision(operation);
        tx.commit();
        return {RedeemOutcome::wrong_code, ticket};
    }

    ticket->uses += 1;
    Statement update(db_, "UPDATE tickets SET uses = ?2 WHERE id = ?1", operation);
    update.bind(1, ticket_id).bind(2, std::int64_t{ticket->uses});
    update.run();
    append_ledger(
        now, actor, "ticket.use", ticket_id, "",
        JsonDetails().add("source_address", source_address).add("uses", std::int64_t{ticket->uses}).str());
    bump_revision(operation);
    tx.commit();
    return {RedeemOutcome::ok, ticket};
}

void SqlDevices::attach_ticket_device(const std::string& ticket_id, const std::string& device_id,
                                          const std::string& actor) {
    const std::string operation = "attach device " + device_id + " to ticket " + ticket_id;
    require_text(db_, actor, "the actor", operation);
    UnixSeconds now = clock_();
    Transaction tx(db_, Transaction::Kind::write, operation);
    std::optional<EnrollmentTicket> ticket = load_ticket(ticket_id, operation);
    if (!ticket) db_.fail(operation, "no such ticket");
    if (ticket->uses == 0) {
        db_.fail(operation, "the ticket has not been redeemed");
    }
    Statement device(db_, "SELECT 1 FROM devices WHERE id = ?1", operation);
    device.bind(1, device_id);
    if (!device.step()) db_.fail(operation, "no such device");
    Statement update(db_, "UPDATE tickets SET device_id = ?2 WHERE id = ?1", operation);
    update.bind(1, ticket_id).bind(2, device_id);
    update.run();
    append_ledger(now, actor, "ticket.attach", ticket_id, "",
                  JsonDetails().add("device_id", device_id).str());
    bump_revision(operation);
    tx.commit();
}

std::optional<EnrollmentTicket> SqlDevices::get_ticket(const std::string& id) {
    return load_ticket(id, "read ticket " + id);
}

std::vector<EnrollmentTicket> SqlDevices::list_tickets(bool include_expired) {
    constexpr std::string_view kOperation = "list tickets";
    Statement query(db_,
                    "SELECT " + std::string(kTicketColumns) +
                        " FROM tickets WHERE ?1 OR expires_at > ?2 ORDER BY created_at DESC, id",
                    kOperation);
    query.bind(1, std::int64_t{include_expired ? 1 : 0}).bind(2, clock_());
    std::vector<EnrollmentTicket> tickets;
    while (query.step())
        tickets.push_back(ticket_from_row(query));
    return tickets;
}

} // namespace sekisho::store::sql
