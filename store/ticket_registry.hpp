// Enrollment tickets: one-time permits a terminal redeems for its first certificate (EST,
// the browser page, sekishoctl demo init). Apart from the devices so that what only issues
// or redeems tickets does not also hold the power to revoke devices.
#pragma once

#include "store/types.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::store {

// A one-time enrollment permit. Its code is never stored, only a salted SHA-256 of it.
struct EnrollmentTicket {
    std::string id; // "tkt-" + 16 lower-case hex characters; the EST Basic-auth user name
    std::string facility;
    std::string device_name;
    std::string created_by;
    UnixSeconds created_at = 0;
    UnixSeconds expires_at = 0;
    int max_uses = 1;
    int uses = 0;
    int failed_attempts = 0;
    bool locked = false;                  // set after kMaxFailedAttempts wrong codes
    std::optional<std::string> device_id; // the device enrolled with this ticket
    // A temporary credential (a lost or stolen terminal's fallback): the certificate it yields
    // is valid for this many seconds, and its device is marked temporary. Empty: ordinary.
    std::optional<std::int64_t> temporary_validity;
};

// Wrong codes a ticket tolerates; the last of them locks it for good.
inline constexpr int kMaxFailedAttempts = 5;

enum class RedeemOutcome { ok, unknown, wrong_code, expired, used_up, locked };
std::string to_string(RedeemOutcome outcome);

struct Redemption {
    RedeemOutcome outcome = RedeemOutcome::unknown;
    std::optional<EnrollmentTicket> ticket; // the ticket after the attempt; empty if unknown
};

// Every write runs in one transaction that also appends to the ledger and increments the
// registry revision (DeviceRegistry::revision()). Implementations are safe to call from
// several threads.
class TicketRegistry {
public:
    virtual ~TicketRegistry() = default;

    // Returns the ticket and its code, XXXXX-XXXXX-XXXXX-XXXXX from an alphabet without
    // 0/O/1/I/L. The code is shown once: only its salted hash is kept.
    // temporary_validity: a ticket for a temporary credential (seconds the certificate lives).
    virtual std::pair<EnrollmentTicket, std::string>
    create_ticket(const std::string& facility, const std::string& device_name, std::int64_t ttl_seconds,
                  const std::string& actor, int max_uses = 1,
                  std::optional<std::int64_t> temporary_validity = std::nullopt) = 0;

    // Checks code (dashes, spaces and case ignored) at time now. A wrong code counts a failure
    // (ledger "ticket.failed" with source_address) and the kMaxFailedAttempts-th locks the
    // ticket; ok counts a use. Expired, used-up and locked tickets refuse even the right
    // code, and such refusals change nothing. The caller then creates the device and its
    // certificate (DeviceRegistry) and calls attach_ticket_device().
    virtual Redemption redeem_ticket(const std::string& ticket_id, const std::string& code,
                                     const std::string& source_address, UnixSeconds now) = 0;

    // Records which device a redeemed ticket enrolled (for a ticket of several uses, the
    // latest; the ledger keeps each). Refused before the ticket has been redeemed.
    virtual void attach_ticket_device(const std::string& ticket_id, const std::string& device_id,
                                      const std::string& actor) = 0;

    virtual std::optional<EnrollmentTicket> get_ticket(const std::string& id) = 0;
    virtual std::vector<EnrollmentTicket> list_tickets(bool include_expired) = 0; // newest first
};

} // namespace sekisho::store
