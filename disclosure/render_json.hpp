// The document as JSON (both languages in every text), and signed: a JWS in the flattened
// JSON serialization (RFC 7515 §7.2.2) with the audit seal key (ES256), so that a hospital
// can check with the gateway's public key alone that the document came from it unchanged —
// with sekishoctl disclose verify, or any JOSE library.
#pragma once

#include "disclosure/document.hpp"
#include "pki/jws.hpp"
#include "pki/ossl.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace sekisho::disclosure {

// The JSON's "format", and the JWS header's "typ" that says a disclosure was signed (the audit
// seal key signs seals too: one must never pass for the other).
inline constexpr std::string_view kDisclosureFormat = "sekisho-disclosure/1";
inline constexpr std::string_view kDisclosureType = "sekisho-disclosure";

boost::json::value document_json(const Document& document);
std::string render_json(const Document& document); // pretty enough to read: one item per line

// {"protected":..,"payload":..,"signature":..} holding render_json(document)'s bytes.
std::string sign_document(const Document& document, const pki::Es256Signer& signer);

struct VerifiedDocument {
    std::string json;         // the payload: the document as it was signed
    std::string kid;          // from the protected header
    std::string generated_at; // from the document
};

// nullopt unless the file is byte for byte what sign_document wrote for a disclosure and the
// signature verifies with public_key (see the definition for every rule).
std::optional<VerifiedDocument> verify_signed_document(std::string_view file_text, EVP_PKEY* public_key);

} // namespace sekisho::disclosure
