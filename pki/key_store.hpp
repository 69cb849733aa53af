// Private keys from a PEM file or from a PKCS#11 token (RFC 7512 URI) through libp11.
#pragma once

#include "pki/ossl.hpp"
#include "pki/pkcs11_uri.hpp" // is_pkcs11_uri

#include <memory>
#include <string>

namespace sekisho::pki {

// A private key plus whatever must stay alive while it is used (for PKCS#11: the libp11
// context, slot list and session behind the EVP_PKEY). Movable, not copyable.
// Whatever takes its own reference to get() (SSL_CTX_use_PrivateKey, EVP_PKEY_CTX, ...) must
// release it before this PrivateKey is destroyed: a PKCS#11 EVP_PKEY outliving its slots
// crashes when freed.
class PrivateKey {
public:
    PrivateKey() = default;
    PrivateKey(EvpPkeyPtr key, std::shared_ptr<void> keepalive);
    PrivateKey(PrivateKey&&) noexcept = default;
    // Frees the old key before dropping what kept it alive (the default would do the reverse).
    PrivateKey& operator=(PrivateKey&& other) noexcept {
        key_.reset();
        keepalive_ = std::move(other.keepalive_);
        key_ = std::move(other.key_);
        return *this;
    }
    EVP_PKEY* get() const { return key_.get(); }
    explicit operator bool() const { return static_cast<bool>(key_); }
    bool in_hardware() const { return static_cast<bool>(keepalive_); }

private:
    std::shared_ptr<void> keepalive_; // destroyed after key_
    EvpPkeyPtr key_;
};

// spec: a PEM file path (unencrypted PKCS#8 or traditional), or a "pkcs11:" URI with
// token=, object= and/or id=, and pin-value= (or pin-source=file path). module: the
// PKCS#11 library to load for URIs. Throws std::runtime_error with the file or URI (PIN
// masked) and the reason.
PrivateKey load_private_key(const std::string& spec, const std::string& pkcs11_module = "");

} // namespace sekisho::pki
