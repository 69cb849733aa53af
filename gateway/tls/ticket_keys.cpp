#include "gateway/tls/ticket_keys.hpp"

#include "codec/random.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <cstring>
#include <mutex>

namespace sekisho::gateway {
namespace {

constexpr std::size_t kName = 16, kMacKey = 32, kAesKey = 32;

int ex_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

const EVP_CIPHER* aes256cbc() {
    static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    return cipher;
}

bool set_mac_key(EVP_MAC_CTX* mac, const session::TicketKey& key) {
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key.bytes.data() + kName),
                                          kMacKey),
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    return EVP_MAC_CTX_set_params(mac, params) == 1;
}

} // namespace

TicketKeys::TicketKeys() {
    session::TicketKey key;
    key.period = 0;
    const auto bytes = codec::random_bytes(key.bytes.size());
    std::memcpy(key.bytes.data(), bytes.data(), key.bytes.size());
    ring_.store(std::make_shared<const Ring>(Ring{0, {key}}));
}

bool TicketKeys::install(std::vector<session::TicketKey> keys, std::int64_t current) {
    bool has_current = false;
    for (const auto& k : keys) has_current = has_current || k.period == current;
    if (!has_current) return false;
    ring_.store(std::make_shared<const Ring>(Ring{current, std::move(keys)}));
    return true;
}

std::int64_t TicketKeys::current_period() const { return ring_.load()->current; }

void TicketKeys::attach(SSL_CTX* ctx) const {
    SSL_CTX_set_ex_data(ctx, ex_index(), const_cast<TicketKeys*>(this));
    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, &TicketKeys::on_ticket_key);
}

// OpenSSL's contract: 1 = done, 2 = opened with a key that is not current (issue a new
// ticket), 0 = no such key (full handshake), -1 = failure.
int TicketKeys::on_ticket_key(SSL* ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
                              EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt) {
    const auto* self = static_cast<const TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ex_index()));
    if (!self || !aes256cbc()) return -1;
    const auto ring = self->ring_.load();
    if (encrypt) {
        const session::TicketKey* current = nullptr;
        for (const auto& k : ring->keys)
            if (k.period == ring->current) current = &k;
        if (!current || RAND_bytes(iv, EVP_CIPHER_get_iv_length(aes256cbc())) != 1) return -1;
        std::memcpy(name, current->bytes.data(), kName);
        if (EVP_EncryptInit_ex(cipher, aes256cbc(), nullptr, current->bytes.data() + kName + kMacKey, iv) != 1 ||
            !set_mac_key(mac, *current))
            return -1;
        return 1;
    }
    for (const auto& k : ring->keys) {
        if (std::memcmp(name, k.bytes.data(), kName) != 0) continue;
        if (!set_mac_key(mac, k) ||
            EVP_DecryptInit_ex(cipher, aes256cbc(), nullptr, k.bytes.data() + kName + kMacKey, iv) != 1)
            return -1;
        return k.period == ring->current ? 1 : 2;
    }
    return 0;
}

} // namespace sekisho::gateway
