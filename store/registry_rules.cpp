#include "store/registry_rules.hpp"

#include "store/device_registry.hpp"

#include <algorithm>
#include <cctype>

namespace sekisho::store::rules {

namespace {

bool is_hex(const std::string& text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

std::string with_case(std::string text, bool upper) {
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
    }
    return text;
}

} // namespace

std::optional<std::string> required_text(std::string_view value, std::string_view what) {
    if (!value.empty()) return std::nullopt;
    return std::string(what) + " must not be empty";
}

std::optional<std::string> user_id(const std::string& id) {
    if (is_valid_user_id(id)) return std::nullopt;
    return "user id \"" + id + "\" is not valid: use 1 to 64 of the characters A-Z a-z 0-9 . _ @ -";
}

std::optional<std::string> password_hash(const std::string& hash) {
    if (hash.rfind("$argon2id$", 0) == 0) return std::nullopt;
    return "the password hash is not an encoded Argon2id hash ($argon2id$...); "
           "hash the password with credentials::hash_password first";
}

std::optional<std::string> role(const std::string& role) {
    if (is_valid_role(role)) return std::nullopt;
    return "role \"" + role + "\" is not valid: use the characters a-z 0-9 _ -";
}

std::optional<std::string> lockout_policy(const LockoutPolicy& policy) {
    if (policy.max_failures >= 1 && policy.window_seconds >= 1 && policy.lock_seconds >= 1) return std::nullopt;
    return "the lockout policy needs max_failures, window and lock duration of at least 1 (got " +
           std::to_string(policy.max_failures) + ", " + std::to_string(policy.window_seconds) + " s, " +
           std::to_string(policy.lock_seconds) + " s)";
}

std::optional<std::string> serial(const std::string& serial_hex) {
    if (is_hex(serial_hex)) return std::nullopt;
    return "serial \"" + serial_hex + "\" is not hex (expected e.g. 3F9C0A1B2C3D4E5F)";
}

std::string canonical_serial(const std::string& serial_hex) {
    return with_case(serial_hex, true);
}

std::optional<std::string> fingerprint(const std::string& fingerprint) {
    if (fingerprint.size() == 64 && is_hex(fingerprint)) return std::nullopt;
    return "fingerprint \"" + fingerprint + "\" is not 64 hex characters (SHA-256 of the certificate DER)";
}

std::string canonical_fingerprint(const std::string& fingerprint) {
    return with_case(fingerprint, false);
}

std::optional<std::string> revocation_reason(const std::string& reason) {
    if (is_revocation_reason(revocation_reason_name(reason))) return std::nullopt;
    return "\"" + reason +
           "\" is not a revocation reason; use one of unspecified, keyCompromise, cACompromise, "
           "affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn, aACompromise";
}

std::string revocation_reason_name(const std::string& reason) {
    return reason.empty() ? "unspecified" : reason;
}

} // namespace sekisho::store::rules
