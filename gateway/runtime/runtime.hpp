// One immutable snapshot of everything the configuration decides: TLS contexts, routes,
// the assertion signer and the upstream TLS contexts. Connections keep the snapshot they
// started with; a reload swaps in a new one for new connections.
#pragma once

#include "config/config.hpp"
#include "gateway/http/routing.hpp"
#include "gateway/runtime/assertion_keys.hpp"
#include "gateway/tls/tls_context.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace sekisho::gateway {

struct UpstreamTls {
    pki::PrivateKey client_key;
    std::unique_ptr<boost::asio::ssl::context> context;
};

struct Runtime {
    config::Config config;
    std::uint64_t generation = 0;
    ListenerTls listener_tls;
    std::unique_ptr<RouteTable> routes;
    AssertionKeys assertion_keys; // the signer and the published key set
    std::map<std::string, std::shared_ptr<UpstreamTls>> upstream_tls; // by route name
    // Present when enrollment.listen is set.
    std::unique_ptr<ClientCertVerifier> enrollment_verifier;
    std::unique_ptr<boost::asio::ssl::context> enrollment_tls;
    // admin.tls, rebuilt at every reload like the others, so that a new operator CRL (an
    // administrator who left) applies to the next connection. Empty without admin.tls.
    AdminTls admin_tls;

    const UpstreamTls* upstream_tls_for(const config::Route& route) const;
};

// Throws std::runtime_error with the config key, file and reason when a part cannot be
// built (e.g. a certificate that does not parse, a key that does not match), and
// config::ConfigError with every problem of the assertion's keys.
// admission outlives every runtime built with it (nullptr: no registry configured).
std::shared_ptr<const Runtime> build_runtime(config::Config cfg, const TicketKeys& keys,
                                             std::uint64_t generation, const DeviceAdmission* admission);

// The snapshot in force; readers on any thread, one writer (the control thread).
class RuntimeHolder {
public:
    std::shared_ptr<const Runtime> current() const { return current_.load(); }
    void replace(std::shared_ptr<const Runtime> next) {
        const auto generation = next->generation;
        current_.store(std::move(next));
        generation_.store(generation, std::memory_order_release);
    }
    // The generation in force, without touching the snapshot's reference count: a
    // connection asks it before every request (one on an older one closes).
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
    std::atomic<std::shared_ptr<const Runtime>> current_;
    std::atomic<std::uint64_t> generation_{0};
};

} // namespace sekisho::gateway
