// RFC 7512 "pkcs11:" URIs: the attributes Sekisho uses to find a private key on a token.
#pragma once

#include <optional>
#include <string>

namespace sekisho::pki {

struct Pkcs11Uri {
    // Token selection (absent = any token).
    std::optional<std::string> token;        // CKA_LABEL of the token
    std::optional<std::string> manufacturer;
    std::optional<std::string> model;
    std::optional<std::string> serial;
    // Object selection (absent = the only private key on the token).
    std::optional<std::string> object;       // CKA_LABEL of the key
    std::optional<std::string> id;           // CKA_ID, raw bytes
    std::optional<std::string> type;         // "private" when given
    // Login.
    std::optional<std::string> pin_value;
    std::optional<std::string> pin_source;   // file path (a "file:" prefix is removed)
    std::optional<std::string> module_path;

    std::string masked; // the URI as written, each pin-value up to the next ';' as "***"
};

// True when spec starts with the scheme "pkcs11:" in any case (RFC 3986 §3.1).
bool is_pkcs11_uri(const std::string& spec);

// Decodes %XX escapes; throws std::invalid_argument on a malformed escape.
std::string percent_decode(const std::string& text);

// Parses path (";"-separated) and query ("&"-separated) attributes. Unknown attributes are
// ignored, as RFC 7512 allows. Throws std::runtime_error naming the (masked) URI and the
// offending attribute.
Pkcs11Uri parse_pkcs11_uri(const std::string& uri);

// The PIN a parsed URI asks for: pin-value, else the first line of the pin-source file.
// Empty optional when neither is given. Throws naming the pin-source file when unreadable.
std::optional<std::string> pin_of(const Pkcs11Uri& uri);

} // namespace sekisho::pki
