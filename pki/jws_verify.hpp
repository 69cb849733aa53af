// Checking what Es256Signer signed: the gateway's own audit seals are verified with the
// public key alone, so an investigator needs no secret to trust a log.
#pragma once

#include "pki/ossl.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::pki {

std::optional<std::string> base64url_decode(std::string_view text);

// The payload of a compact JWS whose header says ES256 and whose signature (R||S) verifies
// with public_key (EC P-256); nullopt for anything else.
std::optional<std::string> verify_es256(std::string_view jws, EVP_PKEY* public_key);

// The public key in a PEM file holding a public key, a certificate or a private key.
// Throws OpensslError naming the file.
EvpPkeyPtr load_public_key_pem(const std::string& path);
// The same from PEM text; path only names it in the error.
EvpPkeyPtr load_public_key_pem_text(const std::string& pem, const std::string& path);
std::string public_key_to_pem(EVP_PKEY* key);

} // namespace sekisho::pki
