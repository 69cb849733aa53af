// Generating private keys in software (for keys on a token, use the token's own tools).
#pragma once

#include "pki/ossl.hpp"

namespace sekisho::pki {

enum class KeyAlgorithm {
    ec_p256, // default: ECDSA P-256
    rsa_2048,
    rsa_3072,
    rsa_4096,
};

// Throws OpensslError on failure.
EvpPkeyPtr generate_key(KeyAlgorithm algorithm = KeyAlgorithm::ec_p256);

// "ec-p256", "rsa-2048", "rsa-3072", "rsa-4096" → the algorithm; throws std::runtime_error
// naming the accepted values otherwise.
KeyAlgorithm parse_key_algorithm(const std::string& name);

} // namespace sekisho::pki
