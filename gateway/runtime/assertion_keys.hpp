// The identity assertion's keys in one snapshot: the signer, and the key set (JWKS) both
// listeners publish — the signing key, assertion.next_keys and assertion.previous_keys, each
// under its RFC 7638 kid. Several instances given the same key files sign with the same kid
// and publish byte-identical key sets (same ETag), so a backend may ask any of them.
//
// Rotation without a restart is a reload that builds a new AssertionKeys: connections of the
// old snapshot (and the assertion cache entries made with it) keep signing with the old key
// until they close, which is why a key must stay in previous_keys for keep_previous_for().
#pragma once

#include "config/config.hpp"
#include "pki/jws.hpp"

#include <spdlog/common.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sekisho::gateway {

// How long a verifier may use the key set before asking again (Cache-Control max-age), and
// so the least time a key must be in next_keys before it signs.
inline constexpr std::chrono::seconds kJwksMaxAge{300};

struct AssertionKeys {
    std::unique_ptr<pki::Es256Signer> signer;
    std::vector<std::string> next_kids;     // in configuration order
    std::vector<std::string> previous_kids; // in configuration order
    std::string jwks;                       // every key, in kid order
    std::string etag;                       // strong, quoted; a function of jwks alone

    bool publishes(std::string_view kid) const;
};

// Reads every key the section names. Throws config::ConfigError with every problem at once,
// each naming the configuration file, the line, the key and what to do: a file that cannot
// be read, a key that is not EC P-256, a signing key that is not a private key, the same key
// listed twice (also in two different files).
AssertionKeys load_assertion_keys(const config::AssertionConfig& cfg, const std::string& config_file);

// The least time a key that stopped signing must stay published: a connection accepted just
// before the reload still serves one request under the old key (handshake, header and body
// timeouts), and what it signed is valid for the assertion's ttl.
std::chrono::seconds keep_previous_for(const config::Config& cfg);

// A log event about the key set, made here (pure, tested) and logged by the daemon.
struct KeyEvent {
    spdlog::level::level_enum level;
    std::string name;
    std::vector<std::pair<std::string, std::string>> fields;
};

// assertion.keys (the kids by role) at start (before == nullptr) and when a reload changes
// the key set; on a reload also assertion.signing_key_changed, and warnings for a signing key
// that was not published before it signed (assertion.key_unannounced) and for the previous
// signing key no longer published (assertion.key_withdrawn).
std::vector<KeyEvent> key_events(const AssertionKeys* before, const AssertionKeys& after,
                                 std::chrono::seconds keep_previous);
void log_key_events(const std::vector<KeyEvent>& events);

} // namespace sekisho::gateway
