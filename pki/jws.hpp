// ES256 compact JWS signing (RFC 7515/7518) and the matching JWKS (RFC 7517).
#pragma once

#include "pki/key_store.hpp"

#include <string>
#include <string_view>

namespace sekisho::pki {

std::string base64url_encode(std::string_view bytes);

class Es256Signer {
public:
    // key must be an EC P-256 private key; throws std::runtime_error otherwise.
    explicit Es256Signer(PrivateKey key);

    // header {"alg":"ES256","typ":"JWT","kid":kid()} . payload . signature (R||S, 64 bytes)
    // payload_json is signed as given (already serialized JSON). Thread-safe.
    std::string sign(std::string_view payload_json) const;

    // RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
    const std::string& kid() const { return kid_; }

    // {"keys":[{"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"alg":"ES256","use":"sig"}]}
    const std::string& jwks_json() const { return jwks_; }

private:
    PrivateKey key_;
    std::string kid_;
    std::string jwks_;
    std::string header_b64_;
};

} // namespace sekisho::pki
