// The configuration model: what an operator can say in sekisho.yaml, after validation.
// A Config is immutable once loaded; the gateway swaps whole snapshots on reload.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::config {

using Seconds = std::chrono::seconds;

// host:port as written by the operator ("0.0.0.0:8443", "[::1]:8443", "localhost:8443").
struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string to_string() const;
};

// An address range, "10.0.0.0/8" or "2001:db8::/32"; a bare address is a /32 or /128.
struct Cidr {
    std::array<std::uint8_t, 16> network{}; // IPv4 in the first 4 bytes
    bool ipv6 = false;
    unsigned prefix = 0;
    std::string text; // as written, for messages
    // address: 4 bytes (IPv4) or 16 (IPv6) in network order. IPv4 matches IPv4 ranges only:
    // the caller unmaps an IPv4-mapped IPv6 peer first.
    bool contains(std::span<const std::uint8_t> address) const;
};

// The PROXY protocol on a listener that sits behind a balancer in TCP mode (HAProxy's
// send-proxy-v2): off by default. When on, every connection must come from a trusted
// address and begin with a header (v1 or v2), whose client address then stands for the
// connection everywhere (logs, audit, limits, X-Forwarded-For).
struct ProxyProtocolConfig {
    bool enabled = false;
    std::vector<Cidr> trusted; // the balancers; required (non-empty) when enabled
    // For the whole header to arrive; never longer than timeouts.handshake (cut to it).
    Seconds timeout{5};
};

enum class TlsProfile {
    tls13,              // TLS 1.3 only (default)
    tls12_high_security // TLS 1.3 preferred, TLS 1.2 with the CRYPTREC high-security suites
};

enum class LogFormat { text, json };

struct LogConfig {
    std::string level = "info"; // trace, debug, info, warn, error, critical, off
    LogFormat format = LogFormat::text;
    // Refusals anyone can cause without a credential (handshakes, enrollment codes) are
    // written once per source address and reason within this interval; 0 writes each one.
    Seconds refusal_interval{60};
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
    // A new ticket key each period; the previous one still opens tickets for one period.
    // Instances that share sessions in Redis share these keys too.
    Seconds session_ticket_rotation{3600};
};

struct LimitsConfig {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 10 * 1024 * 1024;
    std::size_t max_headers = 100;
    // A keep-alive connection is closed after this many requests (nginx keepalive_requests).
    std::size_t max_requests_per_connection = 1000;
    // Connections held at once, per listener and per source address (connection_limits.hpp).
    // A hospital behind NAT is one address: the main listener's per-source limit is generous.
    std::size_t max_connections = 20000;
    std::size_t max_connections_per_source = 2000;
    std::size_t enrollment_max_connections = 1000;
    std::size_t enrollment_max_connections_per_source = 20;
    std::size_t admin_max_connections = 64;
    std::size_t admin_max_connections_per_source = 16;
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
    // A connection takes no new request after this long (nginx keepalive_time), so no
    // connection outlives the certificates, CRLs and rules it was admitted under for long.
    Seconds connection_lifetime{3600};
    // A WebSocket tunnel closes when either side has sent nothing for this long.
    Seconds tunnel_idle{600};
};

// The admin listener's deadlines: fixed, not under timeouts: (it serves operators and a
// metrics scraper on a management network, not the terminals).
struct AdminTimeouts {
    Seconds request{30};   // reading one request, the wait on a kept-alive connection included
    Seconds handshake{10}; // the TLS handshake, when admin.tls is set
    Seconds shutdown{2};   // the TLS close at the end
};
inline constexpr AdminTimeouts kAdminTimeouts{};

// A key file of the assertion's key set and where the configuration names it: the key is
// read when the runtime is built, and a problem found then still names the key and line.
struct KeyFile {
    std::string path; // resolved against the configuration's folder
    std::string key;  // dotted, e.g. "assertion.previous_keys[1]"
    int line = 0;
};

// Signed identity assertion handed to backends (X-Sekisho-Jwt-Assertion). Every key here is
// published in /_sekisho/jwks.json; signing_key alone signs. Rotation moves a key from
// next_keys to signing_key, and the one it replaces to previous_keys (README).
struct AssertionConfig {
    KeyFile signing_key;                // PEM EC P-256 private key file
    std::vector<KeyFile> next_keys;     // published ahead, so that verifiers know them before they sign
    std::vector<KeyFile> previous_keys; // published after, while assertions they signed may be live
    std::string issuer = "sekisho";
    Seconds ttl{60};                    // at most 60
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
    // ";params" in path segments. Off: refused (400), because Tomcat/Spring drop them and so
    // "/admin;x/users" would reach a role-limited "/admin/" past this route's rules.
    bool allow_path_parameters = false;
    std::string audience; // "aud" of the assertion; defaults to the route name
    // Login (issue 4). Defaults to true when a registry is configured (the users live
    // there); false means the terminal certificate alone admits (a device-only route).
    bool login = false;
    bool api = false;                          // unauthenticated → 401 JSON, never a redirect
    std::vector<std::string> roles;            // a user needs one of these; empty = any user
    std::vector<std::string> cross_facility_roles; // may use terminals of other facilities
};

// The device-issuing CA that enrollment signs with (EST, the enrollment page).
struct IssuingCaConfig {
    std::string name = "device-ca"; // in /crl/<name>.crl and the ledger
    std::string certificate;        // PEM: the issuing CA certificate
    std::string key;                // PEM file or pkcs11: URI (tls.pkcs11_module)
    std::string chain;              // PEM: the rest of the chain up to the root (for /cacerts)
    std::string crl;                // where the CRL is written (also list it in tls.crl)
};

inline constexpr Seconds kMinTemporaryValidity{3600};
inline constexpr Seconds kMaxTemporaryValidity{7 * 86400};

// The enrollment listener: TLS with server authentication only (terminals have no
// certificate yet), serving EST (RFC 7030), the browser enrollment page and the CRL.
struct EnrollmentConfig {
    std::optional<Endpoint> listen; // absent = no enrollment listener
    std::string public_url;         // how terminals reach it, e.g. https://enroll.example.jp:8444
    IssuingCaConfig ca; // the current one: signs every new enrollment and renewal
    // An issuing-CA rollover's earlier CAs (README, "Rolling over the issuing CA"): they sign
    // nothing new, but the gateway keeps publishing each one's CRL from the registry (at
    // /crl/<name>.crl and to its crl file) for as long as it is listed here; trust in their
    // certificates comes from tls.client_ca and tls.crl, like the current one's.
    std::vector<IssuingCaConfig> previous_cas;
    Seconds device_validity{365 * 86400};
    Seconds crl_validity{86400};      // nextUpdate; the CRL is renewed well before it
    // While the complete CRL lists at most this many certificates, every change re-issues it;
    // above, changes go into a delta CRL (RFC 5280 §5.2.4, /crl/<name>-delta.crl) and the
    // complete one is re-issued when half its validity has passed or the delta has grown to
    // an eighth of it: clients of a fleet's CA do not download megabytes after each change.
    std::uint64_t delta_crl_above = 1000;
    // A temporary credential (ticket create --temporary, for a lost or stolen terminal's
    // stand-in): its certificate's validity unless the ticket says otherwise; at most
    // kMaxTemporaryValidity, so that a forgotten stand-in ends on its own.
    Seconds temporary_validity{86400};
    // Renewal (simplereenroll) supersedes: the previous certificate is revoked ("superseded")
    // renewal_overlap after the renewal. A certificate renews only in the last
    // renewal_window_percent of its validity (100 = any time: the administrator's switch),
    // and a device at most once per renewal_min_interval.
    Seconds renewal_overlap{7 * 86400};
    int renewal_window_percent = 33;
    Seconds renewal_min_interval{3600};
    ProxyProtocolConfig proxy_protocol; // enrollment.proxy_protocol
};

// A registry on PostgreSQL, shared by several gateways. The password is never in the config
// file: url carries none (refused if it does), password_file holds it.
struct PostgresqlConfig {
    std::string url;           // postgresql://user@host:port/database[?...], no password
    std::string password_file; // resolved, must exist; empty: the server needs none (e.g. cert auth)
    // disable | require | verify-ca | verify-full (the default: the server's certificate is
    // checked against sslrootcert and its name against the URL's host).
    std::string sslmode = "verify-full";
    std::string sslrootcert; // CA file for the server's certificate
    std::string sslcert;     // optional client certificate to the server, with sslkey
    std::string sslkey;
    unsigned pool_size = 8;          // connections per narrow registry, at most
    Seconds connect_timeout{5};      // a server that does not answer fails the call, closed
    Seconds statement_timeout{10};   // likewise a statement (or a lock wait) that hangs
};

// The device registry: when set, a terminal is admitted only while its certificate belongs
// to an active device there (the registry is authoritative, not just the CA signature).
// Exactly one backend: sqlite (one instance) or postgresql (several sharing it).
struct RegistryConfig {
    std::string sqlite; // database file; created on first use, its folder must exist
    std::optional<PostgresqlConfig> postgresql;
    // While the registry cannot be read, handshakes are admitted from the last complete view
    // of the devices for at most this long, then refused; 0 refuses at once.
    Seconds max_staleness{60};
    // How often the gateway writes the devices it admitted to the registry (their last-seen
    // time, for the periodic review): in batches off the hot path, each device at most once
    // an hour whatever this says.
    Seconds last_seen_flush{300};

    bool configured() const { return !sqlite.empty() || postgresql.has_value(); }
    // "registry.sqlite" or "registry.postgresql", for messages.
    std::string key() const { return postgresql ? "registry.postgresql" : "registry.sqlite"; }
};

enum class SessionLimitAction { refuse, evict_oldest };

// Sessions in a Redis that several instances share (session/redis/). A URL says where,
// never a password; TLS (rediss://) checks the server's certificate against tls.ca.
struct RedisConfig {
    std::string url;           // redis://host:port/db or rediss://host:port/db
    std::string username;      // an ACL user; empty: the default user
    std::string password_file; // resolved, mode 0600-like; empty: no AUTH
    std::string tls_ca;        // required with rediss://
    std::string tls_certificate, tls_key; // a client certificate, when Redis asks for one
    std::string tls_server_name;          // the name in the server's certificate; default: the URL's host
    std::string key_prefix = "sekisho:";
    unsigned pool_size = 16;
    Seconds connect_timeout{2};
    Seconds command_timeout{1};
    // How long an instance may use its local copy of a session before asking Redis again:
    // the longest a logout elsewhere can go unnoticed when its announcement is lost.
    Seconds local_cache{1};
};

enum class SessionStoreKind { memory, redis };

// Server-side login sessions (REQUIREMENTS §3: idle 15 min, absolute 10 h, 3 per user).
struct SessionConfig {
    Seconds idle_timeout{15 * 60};
    Seconds absolute_timeout{10 * 3600};
    unsigned max_per_user = 3;
    SessionLimitAction on_limit = SessionLimitAction::refuse; // the strict choice
    SessionStoreKind store = SessionStoreKind::memory;         // redis: shared by instances
    RedisConfig redis;
};

// Argon2id cost for new password hashes (old hashes keep their own parameters).
struct Argon2Config {
    std::uint32_t memory_kib = 19456;
    std::uint32_t iterations = 2;
    std::uint32_t parallelism = 1;
};

// Per-user lockout: max_failures within window lock the account for lock.
struct LockoutConfig {
    unsigned max_failures = 5;
    Seconds window{15 * 60};
    Seconds lock{30 * 60};
};

// Password spraying: many users tried from one terminal or one source address.
struct SprayingConfig {
    unsigned per_terminal = 10; // failures within window from one client certificate
    unsigned per_source = 30;   // failures within window from one IP address
    Seconds window{10 * 60};
    Seconds block{15 * 60};     // how long logins from there are refused afterwards
};

// Login windows: when the users of a role may log in (Japan time).
struct LoginWindow {
    std::string role;
    unsigned days = 0x7f;       // bit 0 = Monday ... bit 6 = Sunday
    unsigned start_minute = 0;  // minutes after 00:00 JST, inclusive
    unsigned end_minute = 1440; // exclusive
};

// Emergency accounts (users marked break-glass): off unless enabled here.
struct BreakGlassConfig {
    bool enabled = false;
    Seconds max_duration{4 * 3600};
};

// Which characters a new password must mix (store::CharacterRule mirrors it).
enum class PasswordRule {
    letters_digits_symbols, // the guideline (REQUIREMENTS §3, 6.5 C.13(4)): all three
    three_of_four,          // any 3 of upper, lower, digit, symbol: only on a site's own rule
};

struct AuthConfig {
    SessionConfig sessions;
    Argon2Config argon2;
    LockoutConfig lockout;
    SprayingConfig spraying;
    Seconds failure_delay{1};      // added to every failed login, off the I/O threads
    bool login_notice = true;      // show the previous login and the failures since
    std::vector<LoginWindow> login_windows; // none = any time
    BreakGlassConfig break_glass;
    PasswordRule password_rule = PasswordRule::letters_digits_symbols;
    // Off unless set: accounts not used for this long (no login, and no administrator's
    // change) are disabled by the gateway daily — never a break-glass account, never the
    // last active admin — each disable in the ledger (issue 16, unused accounts).
    std::optional<Seconds> disable_unused_after;
};

enum class AuditFsync { always, batched, none };

// A copy of every audit record to a syslog collector (RFC 5424; UDP, or TCP with
// octet-counted framing).
struct SyslogConfig {
    Endpoint address;
    bool tcp = false;
    int facility = 10; // authpriv
    std::string app_name = "sekisho";
};

// The tamper-evident audit trail (hash-chained JSON lines, sealed with an ES256 key).
struct AuditConfig {
    std::string file;       // absent = no audit trail; its folder must exist
    AuditFsync fsync = AuditFsync::batched;
    std::string seal_key;   // PEM EC P-256 key or pkcs11: URI; empty = chain without seals
    Seconds seal_interval{60};
    std::uint64_t max_bytes = 100ull * 1024 * 1024; // rotate before a file grows past this
    bool rotate_daily = true;                       // and at midnight JST
    std::optional<SyslogConfig> syslog;
    // Rotated files closed longer ago than this are deleted (REQUIREMENTS §5: the statutory
    // period, 5 years by default — 1827 days, leap days included), unless a legal hold keeps
    // them. purge: the gateway does it once a day; false leaves it to `sekishoctl audit
    // purge` on a timer.
    Seconds retention{1827 * 86400};
    bool purge = true;
};

// Alerts on authentication trouble (REQUIREMENTS §5: urgent events reach administrators at
// once). Each rule fires at most once per window; delivery is a JSON POST to the webhook.
inline constexpr std::array<std::string_view, 10> kAlertRules{
    "login_failures", "session_crossover", "revoked_certificate", "lockout", "break_glass",
    "password_spraying", "audit_failure", "certificate_expiry", "clock_unsynchronized", "disk_space_low"};

struct AlertsConfig {
    bool enabled = true;
    std::string webhook;                   // http:// or https:// URL; empty = log and audit only
    Seconds window{300};                   // one alert per rule per window
    unsigned login_failures_per_facility = 10; // within the window
    // A certificate or CRL this close to its end is reported (and alerted) once per threshold,
    // the farthest first; sorted descending. alerts.expiry_warnings, or the older single
    // alerts.expiry_warning.
    std::vector<Seconds> expiry_warnings{Seconds(30 * 86400), Seconds(7 * 86400)};
    Seconds clock_unsynchronized_after{86400};  // the clock unsynchronised for this long
    // The audit and registry (SQLite) volumes with less free space than this percentage
    // (0: never), looked at every volume_check_interval — long before a write fails.
    unsigned disk_free_percent = 20;
    Seconds volume_check_interval{60};
    std::vector<std::string> disabled_rules;
    // alerts.facilities.<facility>.webhook: each facility's own receiver (issue 16), which gets
    // the alerts that concern that facility — its terminals, its users — and nothing of others.
    std::map<std::string, std::string> facility_webhooks;
};

// The admin listener (health, metrics, dashboard). Plain HTTP is allowed on a loopback
// address only (a bare port means 127.0.0.1); anywhere else it must be TLS with a mandatory
// operator client certificate (tls: certificate, key, client_ca).
struct AdminTlsConfig {
    std::string certificate; // PEM: the admin listener's certificate and chain
    std::string key;         // PEM file or pkcs11: URI (tls.pkcs11_module)
    std::string client_ca;   // PEM bundle of the CAs that issue operators' certificates
    // PEM CRL files for client_ca, under the main listener's rules (tls.crl): once set,
    // every certificate of an operator's chain must be covered by a current one.
    std::vector<std::string> crl;
};

// The administration API (/api/v1/ on the admin listener): off unless this section exists,
// and then only over admin.tls, from these addresses, for administrators of the registry
// whose operator certificate (CN = user id) and password both check out.
struct AdminApiConfig {
    std::vector<Cidr> allow_from; // required, non-empty: the management terminals' addresses
};

struct AdminConfig {
    std::optional<Endpoint> listen;
    std::optional<AdminTlsConfig> tls;
    std::optional<AdminApiConfig> api;
};

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

// What instances that serve as one share: a secret from which the keys they must agree on
// are derived (the session index in Redis, CSRF tokens). Absent: each process makes its own.
struct ClusterConfig {
    std::string secret_file; // resolved; at least 32 random bytes, mode 0600-like
};

// Where `sekishoctl backup create` keeps its generations (the backup timer's folder): read by
// the self-disclosure, which answers the backup items "yes" only when a generation younger
// than max_age is there and verifies. Absent: backups are not known to the gateway.
struct BackupConfig {
    std::string dir;            // resolved; its parent folder must exist
    Seconds max_age{48 * 3600}; // the newest generation must be younger than this
};

struct Config {
    std::string source_file; // where this snapshot was loaded from
    std::string source_text; // the bytes it was loaded from (the self-disclosure hashes them)
    unsigned workers = 0;    // 0 = number of cores
    LogConfig log;
    Endpoint listen;
    ProxyProtocolConfig proxy_protocol; // of the main listener
    TlsConfig tls;
    LimitsConfig limits;
    TimeoutsConfig timeouts;
    AssertionConfig assertion;
    UpstreamTlsConfig upstream_tls; // default for every https:// route
    AdminConfig admin;
    RegistryConfig registry;
    EnrollmentConfig enrollment;
    AuthConfig auth;
    AuditConfig audit;
    AlertsConfig alerts;
    ClusterConfig cluster;
    std::optional<BackupConfig> backup;
    std::vector<Route> routes;

    bool login_required_somewhere() const; // a route needs a login session
};

} // namespace sekisho::config
