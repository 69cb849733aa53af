// One reader per top-level section of sekisho.yaml. Each fills its part of the Config,
// reports problems through the MapReader and rejects unknown keys in its section.
#pragma once

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

#include <string_view>
#include <vector>

namespace sekisho::config::detail {

void read_log(MapReader& root, LogConfig& out);
void read_tls(MapReader& root, TlsConfig& out);
void read_limits(MapReader& root, LimitsConfig& out);
void read_timeouts(MapReader& root, TimeoutsConfig& out);
void read_admin(MapReader& root, bool have_pkcs11_module, AdminConfig& out);
void read_enrollment(MapReader& root, bool have_pkcs11_module, EnrollmentConfig& out);

// proxy_protocol.cpp: `parent`'s proxy_protocol section (the root's or enrollment's).
void read_proxy_protocol(MapReader& parent, ProxyProtocolConfig& out);
// The header's deadline is never longer than the handshake's (timeouts.handshake).
void cap_proxy_protocol_timeout(ProxyProtocolConfig& out, Seconds handshake);
// assertion_section.cpp
void read_assertion(MapReader& root, AssertionConfig& out);

// registry_section.cpp
void read_registry(MapReader& root, RegistryConfig& out);

// session_store_section.cpp: auth.sessions.store / .redis, and cluster:
void read_session_store(MapReader& sessions, SessionConfig& out);
void read_cluster(MapReader& root, ClusterConfig& out);
// A secret file must not be readable by others: a problem at key when it is.
void check_private_file(MapReader& section, std::string_view key, const std::string& path);

// backup_section.cpp
void read_backup(MapReader& root, std::optional<BackupConfig>& out);

// auth.cpp
void read_auth(MapReader& root, AuthConfig& out);

// audit.cpp
void read_audit(MapReader& root, bool have_pkcs11_module, AuditConfig& out);
void read_alerts(MapReader& root, AlertsConfig& out);

// `section` holds ca / certificate / key / server_name: the global upstream_tls or a
// route's own. A pkcs11: key needs tls.pkcs11_module (have_pkcs11_module).
UpstreamTlsConfig read_upstream_tls(MapReader& section, bool have_pkcs11_module);

// Whether a key setting is an RFC 7512 URI rather than a file (pki::is_pkcs11_uri's rule).
bool is_pkcs11_uri(const std::string& value);

// A private key setting: a PEM file, or an RFC 7512 "pkcs11:" URI kept as written.
void read_private_key(MapReader& section, std::string_view key, bool have_pkcs11_module,
                      std::string& out);

// routes.cpp
// A route needs a login unless it says login: false; only possible with a registry.
void read_routes(MapReader& root, bool have_pkcs11_module, bool have_registry, std::vector<Route>& out);

} // namespace sekisho::config::detail
