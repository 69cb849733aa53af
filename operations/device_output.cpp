#include "operations/device_output.hpp"

#include "pki/printable.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

namespace sekisho::operations {

namespace {

std::string certificate_status(const store::DeviceCertificate& cert, store::UnixSeconds now) {
    if (cert.revoked_at) return "revoked";
    return cert.not_after <= now ? "expired" : "valid";
}

// Latest notAfter among the certificates that still count, or nothing.
std::string valid_until(const store::Device& device, store::UnixSeconds now) {
    store::UnixSeconds latest = 0;
    for (const auto& cert : device.certificates) {
        if (certificate_status(cert, now) == "valid") latest = std::max(latest, cert.not_after);
    }
    return latest == 0 ? "-" : iso_time(latest);
}

} // namespace

std::string iso_time(store::UnixSeconds seconds) {
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

boost::json::object device_json(const store::Device& device, store::UnixSeconds now) {
    boost::json::array certificates;
    for (const auto& cert : device.certificates) {
        boost::json::object item;
        item["serial"] = cert.serial_hex;
        item["fingerprint_sha256"] = cert.fingerprint_sha256;
        item["issuer"] = cert.issuer;
        item["not_before"] = cert.not_before;
        item["not_after"] = cert.not_after;
        item["issued_at"] = cert.issued_at;
        item["status"] = certificate_status(cert, now);
        if (cert.revoked_at) {
            item["revoked_at"] = *cert.revoked_at;
        } else {
            item["revoked_at"] = nullptr;
        }
        item["revocation_reason"] = cert.status_reason;
        certificates.push_back(std::move(item));
    }
    boost::json::object out;
    out["id"] = device.id;
    out["facility"] = device.facility;
    out["name"] = device.name;
    out["status"] = store::to_string(device.status);
    out["temporary"] = device.temporary;
    out["created_at"] = device.created_at;
    out["created_by"] = device.created_by;
    out["updated_at"] = device.updated_at;
    out["updated_by"] = device.updated_by;
    out["last_seen_at"] = device.last_seen_at ? boost::json::value(*device.last_seen_at) : boost::json::value(nullptr);
    out["certificates"] = std::move(certificates);
    return out;
}

boost::json::object ledger_entry_json(const store::LedgerEntry& entry) {
    boost::json::object out;
    out["seq"] = entry.seq;
    out["at"] = entry.at;
    out["actor"] = entry.actor;
    out["action"] = entry.action;
    out["subject"] = entry.subject;
    out["reason"] = entry.reason;
    boost::system::error_code ec;
    boost::json::value details = boost::json::parse(entry.details, ec);
    // The registry writes an object; anything else is shown as the text it is.
    out["details"] = !ec && details.is_object() ? std::move(details) : boost::json::value(entry.details);
    return out;
}

std::string device_text(const store::Device& device, store::UnixSeconds now) {
    std::string out = render_table({
        {"device", device.id},
        {"facility", device.facility},
        {"name", device.name},
        {"status", store::to_string(device.status)},
        {"temporary", device.temporary ? "yes (a temporary credential: short-lived, never renewed)" : "no"},
        {"created", iso_time(device.created_at) + " by " + device.created_by},
        {"updated", iso_time(device.updated_at) + " by " + device.updated_by},
        {"last seen", device.last_seen_at ? iso_time(*device.last_seen_at) : "never (or not yet flushed)"},
    });
    if (device.certificates.empty()) return out + "certificates: none\n";
    out += "certificates:\n";
    for (const auto& cert : device.certificates) {
        std::string state = certificate_status(cert, now);
        if (cert.revoked_at) state += " " + iso_time(*cert.revoked_at) + " (" + cert.status_reason + ")";
        out += render_table({
            {"  serial", cert.serial_hex},
            {"  sha256", cert.fingerprint_sha256},
            {"  issuer", cert.issuer},
            {"  valid", iso_time(cert.not_before) + " .. " + iso_time(cert.not_after)},
            {"  status", state},
        });
    }
    return out;
}

std::string device_table(const std::vector<store::Device>& devices, store::UnixSeconds now) {
    if (devices.empty()) return "no devices\n";
    std::vector<std::vector<std::string>> rows = {{"ID", "FACILITY", "NAME", "STATUS", "CERTS", "VALID UNTIL"}};
    for (const auto& device : devices) {
        rows.push_back({device.id, device.facility, device.name,
                        store::to_string(device.status) + (device.temporary ? " (temporary)" : ""),
                        std::to_string(device.certificates.size()), valid_until(device, now)});
    }
    return render_table(rows);
}

std::string ledger_table(const std::vector<store::LedgerEntry>& entries) {
    if (entries.empty()) return "no ledger entries\n";
    std::vector<std::vector<std::string>> rows = {{"SEQ", "AT", "ACTOR", "ACTION", "SUBJECT", "REASON", "DETAILS"}};
    for (const auto& entry : entries) {
        rows.push_back({std::to_string(entry.seq), iso_time(entry.at), entry.actor, entry.action, entry.subject,
                        entry.reason.empty() ? "-" : entry.reason, entry.details});
    }
    return render_table(rows);
}

std::string render_table(const std::vector<std::vector<std::string>>& raw_rows) {
    // Names, reasons and ledger details come from terminals and people: escaped before they
    // reach the operator's terminal (every text output of sekishoctl is a table).
    std::vector<std::vector<std::string>> rows;
    for (const auto& raw : raw_rows) {
        auto& row = rows.emplace_back();
        for (const auto& cell : raw) row.push_back(pki::printable(cell));
    }
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

std::string json_line(const boost::json::value& document) {
    return boost::json::serialize(document) + "\n";
}

} // namespace sekisho::operations
