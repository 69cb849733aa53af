#include "pki/keygen.hpp"

#include <openssl/ec.h>

namespace sekisho::pki {

EvpPkeyPtr generate_key(KeyAlgorithm algorithm) {
    EVP_PKEY* key = nullptr;
    switch (algorithm) {
    case KeyAlgorithm::ec_p256:
        key = EVP_EC_gen("P-256");
        break;
    case KeyAlgorithm::rsa_2048:
        key = EVP_RSA_gen(2048);
        break;
    case KeyAlgorithm::rsa_3072:
        key = EVP_RSA_gen(3072);
        break;
    case KeyAlgorithm::rsa_4096:
        key = EVP_RSA_gen(4096);
        break;
    }
    if (key == nullptr) throw OpensslError("cannot generate a private key");
    return EvpPkeyPtr(key);
}

KeyAlgorithm parse_key_algorithm(const std::string& name) {
    if (name == "ec-p256") return KeyAlgorithm::ec_p256;
    if (name == "rsa-2048") return KeyAlgorithm::rsa_2048;
    if (name == "rsa-3072") return KeyAlgorithm::rsa_3072;
    if (name == "rsa-4096") return KeyAlgorithm::rsa_4096;
    throw std::runtime_error("unknown key algorithm '" + name +
                             "' (use ec-p256, rsa-2048, rsa-3072 or rsa-4096)");
}

} // namespace sekisho::pki
