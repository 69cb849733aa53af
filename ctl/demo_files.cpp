#include "ctl/demo_files.hpp"

#include <boost/json.hpp>

namespace sekisho::ctl {

namespace {

// Plain scalars stay unquoted (as in the example file); anything YAML could misread
// ("[::1]:8443", "#", ": ") is written as a double-quoted string.
std::string yaml_scalar(const std::string& value) {
    const bool plain = !value.empty() &&
                       value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                               "0123456789._:/-") == std::string::npos &&
                       value.find(": ") == std::string::npos && value.front() != '-' &&
                       value.front() != ':';
    if (plain) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

std::string render_demo_config(const DemoLayout& layout) {
    std::string upstream_tls;
    if (layout.upstream_url.scheme == "https") {
        upstream_tls =
            "upstream_tls: {}              # the upstream is https: verified with the system trust\n"
            "                              # store; for a private CA: {ca: pki/upstream-ca.pem}\n"
            "\n";
    }
    return "# Sekisho demo configuration, written by `sekishoctl demo init`.\n"
           "# Relative paths are resolved against this file's folder.\n"
           "workers: 0                    # 0 = one I/O thread per core\n"
           "\n"
           "log:\n"
           "  level: info\n"
           "  format: text\n"
           "\n"
           "listen: " + yaml_scalar(layout.listen) + "\n"
           "\n"
           "tls:\n"
           "  profile: tls13\n"
           "  certificate: pki/server.crt\n"
           "  key: pki/server.key\n"
           "  client_ca: pki/device-ca-bundle.pem\n"
           "  crl:\n"
           "    - pki/device-ca.crl\n"
           "    - pki/root-ca.crl\n"
           "  allow_expired_crl: false\n"
           "  session_tickets: true\n"
           "  session_lifetime: 1h\n"
           "\n"
           "limits:\n"
           "  max_header_bytes: 16384\n"
           "  max_body_bytes: 10485760\n"
           "  max_headers: 100\n"
           "\n"
           "timeouts:\n"
           "  handshake: 10s\n"
           "  request_header: 10s\n"
           "  request_body: 30s\n"
           "  keepalive_idle: 60s\n"
           "  upstream_connect: 5s\n"
           "  upstream_response: 30s\n"
           "  upstream_idle: 30s\n"
           "  drain: 20s\n"
           "\n"
           "assertion:\n"
           "  signing_key: pki/assertion.key\n"
           "  issuer: sekisho\n"
           "  ttl: 60s\n"
           "\n" +
           upstream_tls +
           "registry:                     # the device registry (sekishoctl device ...): a terminal\n"
           "  sqlite: " + yaml_scalar(layout.registry.filename().string()) +
           "         # gets in only while its certificate belongs to an active device\n"
           "\n"
           "enrollment:                   # EST, the browser enrollment page and the CRL\n"
           "  listen: " + yaml_scalar((layout.listen_address.host.find(':') != std::string::npos
                                    ? "[" + layout.listen_address.host + "]"
                                    : layout.listen_address.host) +
                               ":" + std::to_string(layout.enroll_port)) + "\n"
           "  public_url: " + yaml_scalar(layout.enroll_public_url) + "\n"
           "  ca:\n"
           "    name: device-ca\n"
           "    certificate: pki/device-ca.crt\n"
           "    key: pki/device-ca.key\n"
           "    chain: pki/root-ca.crt\n"
           "    crl: pki/device-ca.crl\n"
           "  device_validity: 365d\n"
           "  crl_validity: 24h\n"
           "  delta_crl_above: 1000        # larger CRLs change by delta CRLs (/crl/device-ca-delta.crl)\n"
           "\n"
           "auth:                         # the second factor: users of the registry log in\n"
           "  sessions:\n"
           "    idle_timeout: 15m\n"
           "    absolute_timeout: 10h\n"
           "    max_per_user: 3\n"
           "    on_limit: refuse           # or evict_oldest\n"
           "  lockout: {max_failures: 5, window: 15m, lock: 30m}\n"
           "  failure_delay: 1s\n"
           "\n"
           "audit:                        # the tamper-evident trail: sekishoctl audit verify\n"
           "  file: audit/audit.log\n"
           "  seal_key: pki/audit-seal.key # verify with pki/audit-seal.pub\n"
           "  fsync: batched              # at most 100 ms of events at risk in a crash\n"
           "\n"
           "admin:\n"
           "  listen: 127.0.0.1:" + std::to_string(layout.admin_port) + "\n"
           "\n"
           "routes:                       # with a registry every route needs a login unless it\n"
           "                              # says login: false; roles: [...] limits it further\n"
           "  - name: demo\n"
           "    hosts: [localhost, 127.0.0.1]\n"
           "    path_prefix: /\n"
           "    upstream: " + yaml_scalar(layout.upstream) + "\n"
           "    websocket: false\n";
}

std::string render_demo_json(const DemoLayout& layout, const DemoPki& pki, const DemoTerminal& terminal,
                             const DemoUser& user) {
    auto path = [&](const char* name) { return (pki.dir / name).string(); };
    boost::json::object device;
    device["cert"] = path("device.crt");
    device["key"] = path("device.key");
    device["p12"] = path("device.p12");
    device["p12_password"] = terminal.p12_password;
    device["id"] = terminal.device_id;

    boost::json::object demo;
    demo["config"] = (layout.dir / "sekisho.yaml").string();
    demo["gateway_url"] = "https://localhost:" + std::to_string(layout.listen_address.port) + "/";
    demo["ca_bundle"] = path("root-ca.crt");
    demo["device"] = std::move(device);
    demo["facility"] = kDemoFacility;
    demo["admin_url"] = "http://127.0.0.1:" + std::to_string(layout.admin_port) + "/";
    demo["dashboard_url"] = "http://127.0.0.1:" + std::to_string(layout.admin_port) + "/dashboard";
    demo["registry"] = layout.registry.string();
    demo["enroll_url"] = layout.enroll_public_url + "/enroll";
    demo["issuing_ca"] = path("device-ca.crt");
    demo["user"] = boost::json::object{{"id", user.id}, {"password", user.password}};
    demo["audit_log"] = (layout.dir / "audit" / "audit.log").string();
    demo["audit_seal_public_key"] = path("audit-seal.pub");
    return boost::json::serialize(demo) + "\n";
}

} // namespace sekisho::ctl
