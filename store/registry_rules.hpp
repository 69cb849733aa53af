// The rules every registry backend applies before it writes, so that SQLite and PostgreSQL
// refuse the same values with the same words. Each returns nullopt when the value is
// acceptable, else why not; the backend raises it as a RegistryError naming its operation
// and database. The predicates behind them (is_valid_user_id, is_valid_role,
// is_revocation_reason) are declared with the interfaces, for callers that check early.
#pragma once

#include "store/login_records.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::store::rules {

// Names, facilities, issuers and actors: "<what> must not be empty".
std::optional<std::string> required_text(std::string_view value, std::string_view what);

// [A-Za-z0-9._@-]{1,64}.
std::optional<std::string> user_id(const std::string& id);

// Only an encoded Argon2id hash is stored, so a password can never land there by mistake.
std::optional<std::string> password_hash(const std::string& hash);

// [a-z0-9_-]+.
std::optional<std::string> role(const std::string& role);

// At least one failure, one second of window and one second of lock.
std::optional<std::string> lockout_policy(const LockoutPolicy& policy);

// Certificate serials: hex, stored upper-case as pki::serial_hex_of prints them.
std::optional<std::string> serial(const std::string& serial_hex);
std::string canonical_serial(const std::string& serial_hex);

// Certificate fingerprints: 64 hex characters (SHA-256 of the DER), stored lower-case.
std::optional<std::string> fingerprint(const std::string& fingerprint);
std::string canonical_fingerprint(const std::string& fingerprint);

// Revocation reasons: an RFC 5280 name, empty meaning "unspecified" (the name stored).
std::optional<std::string> revocation_reason(const std::string& reason);
std::string revocation_reason_name(const std::string& reason);

} // namespace sekisho::store::rules
