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

class Es256Signer {
public:
    // key must be an EC P-256 private key; throws std::runtime_error otherwise.
    explicit Es256Signer(PrivateKey key);

    // header {"alg":"ES256","typ":"JWT","kid":kid()} . payload . signature (R||S, 64 bytes)
    // payload_json is signed as given (already serialized JSON). Thread-safe.
    std::string sign(std::string_view payload_json) const;

    // RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
    const std::string& kid() const { return jwk_.kid; }
    const Es256Jwk& jwk() const { return jwk_; }

private:
    PrivateKey key_;
    Es256Jwk jwk_;
    std::string header_b64_;
};

} // namespace sekisho::pki
