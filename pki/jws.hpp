// ES256 compact JWS signing (RFC 7515/7518) and the matching JWKS (RFC 7517).
#pragma once

#include "pki/key_store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::pki {

std::string base64url_encode(std::string_view bytes);

// An EC P-256 public key as a JWK (RFC 7518 §6.2.1), named by its RFC 7638 thumbprint.
// The kid depends on the public key alone, so a private key file, its public half and a
// certificate for it give the same kid on every host and in every version: backends cache
// keys by kid, and instances sharing key files must agree on it.
struct Es256Jwk {
    std::string kid;
    std::string json; // {"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"alg":"ES256","use":"sig"}
};

// Throws std::runtime_error saying what the key is when it is not EC P-256.
Es256Jwk es256_jwk(EVP_PKEY* key);

// {"keys":[...]} in kid order: instances that publish the same keys serve the same bytes,
// whichever of them signs with which.
std::string jwk_set_json(std::vector<Es256Jwk> keys);

// The protected header Es256Signer writes, byte for byte.
std::string es256_header(std::string_view typ, std::string_view kid);

// The order n of P-256, big-endian: a signature's S is written at most n/2.
inline constexpr unsigned char kP256Order[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

class Es256Signer {
public:
    // key must be an EC P-256 private key; throws std::runtime_error otherwise.
    explicit Es256Signer(PrivateKey key);

    // header {"alg":"ES256","typ":"JWT","kid":kid()} . payload . signature (R||S, 64 bytes)
    // payload_json is signed as given (already serialized JSON). Thread-safe.
    std::string sign(std::string_view payload_json) const;
    // The same with {"alg":"ES256","typ":typ,"kid":kid()} (es256_header): a document that must
    // not pass for a token or a seal signed by the same key says what it is.
    std::string sign_typed(std::string_view payload, std::string_view typ) const;

    // RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
    const std::string& kid() const { return jwk_.kid; }
    const Es256Jwk& jwk() const { return jwk_; }

private:
    std::string sign_input(std::string signing_input) const;

    PrivateKey key_;
    Es256Jwk jwk_;
    std::string header_b64_;
};

} // namespace sekisho::pki
