// Enrollment tickets on the command line (`sekishoctl device ticket create|list|show`).
// The one-time code appears only in what create prints, once; nothing else ever shows a code
// or its hash.
#pragma once

#include "store/ticket_registry.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::operations {

inline constexpr std::int64_t kMaxTicketTtlSeconds = 30 * 86400;
inline constexpr int kMaxTicketUses = 100;

struct TicketRequest {
    std::string facility;
    std::string device_name;
    std::int64_t ttl_seconds = 86400;
    int uses = 1;
    std::string actor;
    std::optional<std::int64_t> temporary_validity; // seconds: a temporary credential
};

struct CreatedTicket {
    store::EnrollmentTicket ticket;
    std::string code; // known only now: the registry keeps a salted hash
};

// The one way sekishoctl makes a ticket (`device ticket create`, the demo terminal of
// `demo init`). Throws std::invalid_argument when ttl or uses is out of range.
CreatedTicket create_ticket(store::TicketRegistry& tickets, const TicketRequest& request);

// --temporary [--validity DURATION]: the certificate's validity for a temporary credential
// (configured: enrollment.temporary_validity), or nothing for an ordinary ticket. Throws
// std::invalid_argument for --validity without --temporary or outside 1h..7d.
std::optional<std::int64_t> temporary_validity_option(bool temporary, const std::optional<std::string>& validity,
                                                      std::int64_t configured);

// "90s", "15m", "24h", "7d" → seconds, from 1 s to 30 d. Throws std::invalid_argument
// naming --ttl.
std::int64_t parse_ticket_ttl(const std::string& text);

// What the administrator hands to the terminal's user:
// {ticket_id, code, expires_at (ISO 8601 UTC), enroll_url}, plus temporary and
// certificate_validity_seconds for a temporary credential.
boost::json::object created_ticket_json(const store::EnrollmentTicket& ticket, const std::string& code,
                                        const std::string& enrollment_public_url);

// "active", "expired", "used" or "locked" at time now.
std::string ticket_state(const store::EnrollmentTicket& ticket, store::UnixSeconds now);

// {ticket_id, facility, device_name, state, created_at, created_by, expires_at (ISO 8601),
//  uses, max_uses, failed_attempts, locked, device_id}
boost::json::object ticket_json(const store::EnrollmentTicket& ticket, store::UnixSeconds now);

// Multi-line description of one ticket.
std::string ticket_text(const store::EnrollmentTicket& ticket, store::UnixSeconds now);

// One row per ticket: ID, FACILITY, NAME, STATE, EXPIRES, USES, DEVICE.
std::string ticket_table(const std::vector<store::EnrollmentTicket>& tickets, store::UnixSeconds now);

} // namespace sekisho::operations
