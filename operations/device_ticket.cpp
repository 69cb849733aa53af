#include "operations/device_ticket.hpp"

#include "operations/device_output.hpp"
#include "config/config.hpp"
#include "config/values.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <stdexcept>

namespace sekisho::operations {

std::int64_t parse_ticket_ttl(const std::string& text) {
    const auto refuse = [&]() -> std::invalid_argument {
        return std::invalid_argument(
            "--ttl wants a whole number with a unit s, m, h or d (e.g. 24h), at most 30d, "
            "not '" +
            text + "'");
    };
    if (text.size() < 2) throw refuse();
    std::int64_t unit = 0;
    switch (text.back()) {
    case 's':
        unit = 1;
        break;
    case 'm':
        unit = 60;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'd':
        unit = 86400;
        break;
    default:
        throw refuse();
    }
    std::int64_t count = 0;
    const char* end = text.data() + text.size() - 1;
    auto [ptr, ec] = std::from_chars(text.data(), end, count);
    if (ec != std::errc() || ptr != end || count < 1 || count > kMaxTicketTtlSeconds / unit) throw refuse();
    return count * unit;
}

std::optional<std::int64_t> temporary_validity_option(bool temporary, const std::optional<std::string>& validity,
                                                      std::int64_t configured) {
    if (!temporary) {
        if (validity) throw std::invalid_argument("--validity is for a temporary credential: add --temporary");
        return std::nullopt;
    }
    if (!validity) return configured;
    std::string error;
    const auto parsed = config::detail::parse_duration(*validity, error);
    if (!parsed) throw std::invalid_argument("--validity: " + error);
    if (*parsed < config::kMinTemporaryValidity || *parsed > config::kMaxTemporaryValidity)
        throw std::invalid_argument("--validity " + *validity + ": a temporary credential lives from " +
                                    config::detail::format_duration(config::kMinTemporaryValidity) + " to " +
                                    config::detail::format_duration(config::kMaxTemporaryValidity));
    return parsed->count();
}

CreatedTicket create_ticket(store::TicketRegistry& tickets, const TicketRequest& request) {
    if (request.ttl_seconds < 1 || request.ttl_seconds > kMaxTicketTtlSeconds)
        throw std::invalid_argument("a ticket lives from 1 s to 30 d, not " +
                                    std::to_string(request.ttl_seconds) + " s");
    if (request.uses < 1 || request.uses > kMaxTicketUses)
        throw std::invalid_argument("a ticket has 1 to " + std::to_string(kMaxTicketUses) + " uses, not " +
                                    std::to_string(request.uses));
    auto [ticket, code] = tickets.create_ticket(request.facility, request.device_name, request.ttl_seconds,
                                                request.actor, request.uses, request.temporary_validity);
    return {std::move(ticket), std::move(code)};
}

boost::json::object created_ticket_json(const store::EnrollmentTicket& ticket, const std::string& code,
                                        const std::string& enrollment_public_url) {
    boost::json::object out{
        {"ticket_id", ticket.id},
        {"code", code},
        {"expires_at", iso_time(ticket.expires_at)},
        {"enroll_url", enrollment_public_url + "/enroll?ticket=" + ticket.id},
    };
    if (ticket.temporary_validity) { // said only of a temporary credential: ordinary output stays as it was
        out["temporary"] = true;
        out["certificate_validity_seconds"] = *ticket.temporary_validity;
    }
    return out;
}

std::string ticket_state(const store::EnrollmentTicket& ticket, store::UnixSeconds now) {
    if (ticket.locked) return "locked";
    if (ticket.uses >= ticket.max_uses) return "used";
    if (ticket.expires_at <= now) return "expired";
    return "active";
}

boost::json::object ticket_json(const store::EnrollmentTicket& ticket, store::UnixSeconds now) {
    boost::json::object out;
    out["ticket_id"] = ticket.id;
    out["facility"] = ticket.facility;
    out["device_name"] = ticket.device_name;
    out["state"] = ticket_state(ticket, now);
    out["created_at"] = iso_time(ticket.created_at);
    out["created_by"] = ticket.created_by;
    out["expires_at"] = iso_time(ticket.expires_at);
    out["uses"] = ticket.uses;
    out["max_uses"] = ticket.max_uses;
    out["failed_attempts"] = ticket.failed_attempts;
    out["locked"] = ticket.locked;
    out["temporary"] = ticket.temporary_validity.has_value();
    if (ticket.temporary_validity) out["certificate_validity_seconds"] = *ticket.temporary_validity;
    if (ticket.device_id) {
        out["device_id"] = *ticket.device_id;
    } else {
        out["device_id"] = nullptr;
    }
    return out;
}

std::string ticket_text(const store::EnrollmentTicket& ticket, store::UnixSeconds now) {
    return render_table({
        {"ticket", ticket.id},
        {"facility", ticket.facility},
        {"device name", ticket.device_name},
        {"state", ticket_state(ticket, now)},
        {"created", iso_time(ticket.created_at) + " by " + ticket.created_by},
        {"expires", iso_time(ticket.expires_at)},
        {"uses", std::to_string(ticket.uses) + " of " + std::to_string(ticket.max_uses)},
        {"failed codes", std::to_string(ticket.failed_attempts)},
        {"device", ticket.device_id.value_or("-")},
        {"temporary", ticket.temporary_validity
                          ? "yes: a certificate valid for " + std::to_string(*ticket.temporary_validity) + " s"
                          : "no"},
    });
}

std::string ticket_table(const std::vector<store::EnrollmentTicket>& tickets, store::UnixSeconds now) {
    if (tickets.empty()) return "no tickets\n";
    std::vector<std::vector<std::string>> rows = {
        {"ID", "FACILITY", "NAME", "STATE", "EXPIRES", "USES", "DEVICE"}};
    for (const auto& ticket : tickets) {
        rows.push_back({ticket.id, ticket.facility, ticket.device_name, ticket_state(ticket, now),
                        iso_time(ticket.expires_at),
                        std::to_string(ticket.uses) + "/" + std::to_string(ticket.max_uses),
                        ticket.device_id.value_or("-")});
    }
    return render_table(rows);
}

} // namespace sekisho::operations
