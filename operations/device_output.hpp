// How `sekishoctl device` shows devices and ledger entries: as JSON (--json) or as text.
#pragma once

#include "store/device_registry.hpp"
#include "store/ledger.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace sekisho::operations {

// "2025-04-01T09:30:00Z"
std::string iso_time(store::UnixSeconds seconds);

// {id, facility, name, status, created_at, created_by, updated_at, updated_by,
//  certificates: [{serial, fingerprint_sha256, issuer, not_before, not_after, issued_at,
//  status: valid|expired|revoked, revoked_at, revocation_reason}]}; times in Unix seconds.
boost::json::object device_json(const store::Device& device, store::UnixSeconds now);

// {seq, at, actor, action, subject, reason, details (the stored JSON object)}
boost::json::object ledger_entry_json(const store::LedgerEntry& entry);

// Multi-line description of one device and its certificates.
std::string device_text(const store::Device& device, store::UnixSeconds now);

// One row per device: ID, FACILITY, NAME, STATUS, CERTS, VALID UNTIL.
std::string device_table(const std::vector<store::Device>& devices, store::UnixSeconds now);

// One row per entry: SEQ, AT, ACTOR, ACTION, SUBJECT, REASON, DETAILS.
std::string ledger_table(const std::vector<store::LedgerEntry>& entries);

// Left-aligned columns, two spaces apart; the last column is not padded.
std::string render_table(const std::vector<std::vector<std::string>>& rows);

// The document followed by a newline, for stdout.
std::string json_line(const boost::json::value& document);

// A listing for `list`-style commands: {"<key>": [to_json(item)...]} with --json, else
// the text table. One shape for devices, tickets, users and ledger entries.
template <typename Items, typename ToJson, typename ToTable>
std::string listing(bool json, const char* key, const Items& items, ToJson to_json, ToTable to_table) {
    if (!json) return to_table(items);
    boost::json::array out;
    for (const auto& item : items) out.push_back(to_json(item));
    return json_line(boost::json::object{{key, std::move(out)}});
}

} // namespace sekisho::operations
