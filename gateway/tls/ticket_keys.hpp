// The keys that seal TLS session tickets, held as a ring: the current rotation period's key
// makes every new ticket; the previous and next periods' keys still open tickets (a ticket
// under a key that is not current is honoured and replaced by a fresh one). The ring is
// filled from a TicketKeySource (session/ticket_key_source.hpp) — random in this process,
// or shared by the instances through Redis — and replaced whole, without a restart, by the
// rotation task; every snapshot's TLS context reads the same ring.
//
// Concurrency: install() from one thread (the rotation task), the OpenSSL callback from
// any I/O thread; the ring is swapped atomically.
#pragma once

#include "session/ticket_key_source.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <memory>
#include <vector>

namespace sekisho::gateway {

class TicketKeys {
public:
    TicketKeys(); // a random key for the current period, until the first install()

    // Replaces the ring; false (and the old ring stays) when keys has no key of `current`.
    bool install(std::vector<session::TicketKey> keys, std::int64_t current);
    std::int64_t current_period() const;

    // Makes ctx seal and open its tickets with this ring (which must outlive ctx).
    void attach(SSL_CTX* ctx) const;

private:
    struct Ring {
        std::int64_t current = 0;
        std::vector<session::TicketKey> keys;
    };
    static int on_ticket_key(SSL* ssl, unsigned char name[16], unsigned char iv[EVP_MAX_IV_LENGTH],
                             EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt);
    std::atomic<std::shared_ptr<const Ring>> ring_;
};

} // namespace sekisho::gateway
