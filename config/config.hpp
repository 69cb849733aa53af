// The configuration model: what an operator can say in sekisho.yaml, after validation.
// A Config is immutable once loaded; the gateway swaps whole snapshots on reload.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::config {

using Seconds = std::chrono::seconds;

// host:port as written by the operator ("0.0.0.0:8443", "[::1]:8443", "localhost:8443").
struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string to_string() const;
};

enum class TlsProfile {
    tls13,              // TLS 1.3 only (default)
    tls12_high_security // TLS 1.3 preferred, TLS 1.2 with the CRYPTREC high-security suites
};

enum class LogFormat { text, json };

struct LogConfig {
    std::string level = "info"; // trace, debug, info, warn, error, critical, off
    LogFormat format = LogFormat::text;
};

// The main listener: TLS with a mandatory client certificate.
struct TlsConfig {
    TlsProfile profile = TlsProfile::tls13;
    std::string certificate;        // PEM file: server certificate followed by its chain
    std::string key;                // PEM file path, or an RFC 7512 "pkcs11:" URI
    std::string pkcs11_module;      // path to the PKCS#11 module when key is a pkcs11: URI
    std::string client_ca;          // PEM bundle of device-issuing CAs (and their roots)
    std::vector<std::string> crl;   // PEM CRL files; every CA in client_ca should have one
    bool allow_expired_crl = false; // operator opt-out: accept a CRL past nextUpdate
    bool session_tickets = true;
    Seconds session_lifetime{3600};
};

struct LimitsConfig {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 10 * 1024 * 1024;
    std::size_t max_headers = 100;
};

struct TimeoutsConfig {
    Seconds handshake{10};
    Seconds request_header{10};
    Seconds request_body{30};
    Seconds keepalive_idle{60};
    Seconds upstream_connect{5};
    Seconds upstream_response{30};
    Seconds upstream_idle{30}; // an idle pooled upstream connection is closed after this
    Seconds drain{20};         // SIGTERM: how long in-flight requests may finish
};

// Signed identity assertion handed to backends (X-Sekisho-Jwt-Assertion).
struct AssertionConfig {
    std::string signing_key; // PEM EC P-256 private key file
    std::string issuer = "sekisho";
    Seconds ttl{60};         // at most 60
};

// TLS towards an https:// upstream: server verification and optional gateway client cert.
struct UpstreamTlsConfig {
    std::string ca;          // PEM bundle to verify the upstream; empty = system default store
    std::string certificate; // gateway client certificate (mutual TLS); optional
    std::string key;         // its key (PEM path or pkcs11: URI)
    std::string server_name; // SNI and name to verify; empty = the upstream URL's host
};

struct Upstream {
    std::string scheme; // "http" or "https"
    std::string host;
    std::uint16_t port = 0;
    std::string url;    // as written, for messages
};

struct Route {
    std::string name;
    std::vector<std::string> hosts;  // lower-case host names, no port
    std::string path_prefix = "/";
    Upstream upstream;
    std::optional<UpstreamTlsConfig> upstream_tls; // overrides the global one for https
    bool websocket = false;
    std::string audience; // "aud" of the assertion; defaults to the route name
};

// The device-issuing CA that enrollment signs with (EST, the enrollment page).
struct IssuingCaConfig {
    std::string name = "device-ca"; // in /crl/<name>.crl and the ledger
    std::string certificate;        // PEM: the issuing CA certificate
    std::string key;                // PEM file or pkcs11: URI (tls.pkcs11_module)
    std::string chain;              // PEM: the rest of the chain up to the root (for /cacerts)
    std::string crl;                // where the CRL is written (also list it in tls.crl)
};

// The enrollment listener: TLS with server authentication only (terminals have no
// certificate yet), serving EST (RFC 7030), the browser enrollment page and the CRL.
struct EnrollmentConfig {
    std::optional<Endpoint> listen; // absent = no enrollment listener
    std::string public_url;         // how terminals reach it, e.g. https://enroll.example.jp:8444
    IssuingCaConfig ca;
    Seconds device_validity{365 * 86400};
    Seconds crl_validity{86400};      // nextUpdate; the CRL is renewed well before it
};

// The device registry: when set, a terminal is admitted only while its certificate belongs
// to an active device there (the registry is authoritative, not just the CA signature).
struct RegistryConfig {
    std::string sqlite; // database file; created on first use, its folder must exist
};

struct AdminConfig {
    std::optional<Endpoint> listen; // plain HTTP, metrics + health; loopback recommended
};

struct Config {
    std::string source_file; // where this snapshot was loaded from
    unsigned workers = 0;    // 0 = number of cores
    LogConfig log;
    Endpoint listen;
    TlsConfig tls;
    LimitsConfig limits;
    TimeoutsConfig timeouts;
    AssertionConfig assertion;
    UpstreamTlsConfig upstream_tls; // default for every https:// route
    AdminConfig admin;
    RegistryConfig registry;
    EnrollmentConfig enrollment;
    std::vector<Route> routes;
};

} // namespace sekisho::config
