#include "config/sections.hpp"
#include "config/delta_crl.hpp"
#include "config/values.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace sekisho::config::detail {

namespace {

constexpr auto no_limit = Seconds::max();
constexpr std::uint64_t max_size = std::numeric_limits<std::size_t>::max();

void read_size(MapReader& section, std::string_view key, std::size_t& out) {
    std::uint64_t value = 0;
    if (section.read_unsigned(key, value, max_size)) out = static_cast<std::size_t>(value);
}

// "crl": one file or a list of them, each of which must exist.
void read_crl_files(MapReader& section, std::vector<std::string>& out) {
    for (const auto& crl : section.scalar_list("crl", true)) {
        if (crl.value.empty()) {
            section.context().problem(crl.line, crl.key, "must not be empty");
        } else if (auto path = section.context().existing_file(crl.value, crl.key, crl.line)) {
            out.push_back(std::move(*path));
        }
    }
}

} // namespace

// pki::is_pkcs11_uri's rule (any case, RFC 3986), kept here because config does not depend
// on pki: the two must agree, or a key passes the check and is then opened as a file.
bool is_pkcs11_uri(const std::string& value) {
    constexpr std::string_view scheme = "pkcs11:";
    return value.size() >= scheme.size() &&
           std::equal(scheme.begin(), scheme.end(), value.begin(),
                      [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
}

void read_log(MapReader& root, LogConfig& out) {
    auto section = root.mapping("log");
    if (!section) return;
    // spdlog's level names, so the value can be handed to spdlog unchanged.
    section->read_choice<std::string>("level", out.level,
                                      {{"trace", "trace"},
                                       {"debug", "debug"},
                                       {"info", "info"},
                                       {"warn", "warn"},
                                       {"error", "error"},
                                       {"critical", "critical"},
                                       {"off", "off"}});
    section->read_choice("format", out.format,
                         {{"text", LogFormat::text}, {"json", LogFormat::json}});
    section->read_duration("refusal_interval", out.refusal_interval, Seconds(0), Seconds(3600));
    section->finish();
}

void read_private_key(MapReader& section, std::string_view key, bool have_pkcs11_module,
                      std::string& out) {
    std::string value;
    if (!section.read_text(key, value)) return;
    if (!is_pkcs11_uri(value)) {
        section.read_file(key, out);
        return;
    }
    if (!have_pkcs11_module) {
        section.problem(key, "is a pkcs11: URI, which needs tls.pkcs11_module (the PKCS#11 "
                             "module file, e.g. /usr/lib/softhsm/libsofthsm2.so)");
        return;
    }
    out = value;
}

void read_tls(MapReader& root, TlsConfig& out) {
    auto section = root.mapping("tls");
    if (!section) return;
    section->read_choice("profile", out.profile,
                         {{"tls13", TlsProfile::tls13},
                          {"tls12-high-security", TlsProfile::tls12_high_security}});
    section->require("certificate", "PEM file with the server certificate and its chain");
    section->read_file("certificate", out.certificate);
    section->read_file("pkcs11_module", out.pkcs11_module);
    section->require("key", "PEM file of the server key, or a pkcs11: URI");
    read_private_key(*section, "key", section->has("pkcs11_module"), out.key);
    section->require("client_ca", "PEM bundle of the CAs that issue terminal certificates");
    section->read_file("client_ca", out.client_ca);
    read_crl_files(*section, out.crl);
    section->read_bool("allow_expired_crl", out.allow_expired_crl);
    section->read_bool("session_tickets", out.session_tickets);
    // TLS 1.3 caps ticket lifetime at seven days (RFC 8446, 4.6.1).
    section->read_duration("session_lifetime", out.session_lifetime, Seconds(1), Seconds(7 * 86400));
    section->read_duration("session_ticket_rotation", out.session_ticket_rotation, Seconds(60), Seconds(86400));
    section->finish();
}

void read_limits(MapReader& root, LimitsConfig& out) {
    auto section = root.mapping("limits");
    if (!section) return;
    read_size(*section, "max_header_bytes", out.max_header_bytes);
    read_size(*section, "max_body_bytes", out.max_body_bytes);
    read_size(*section, "max_headers", out.max_headers);
    read_size(*section, "max_requests_per_connection", out.max_requests_per_connection);
    read_size(*section, "max_connections", out.max_connections);
    read_size(*section, "max_connections_per_source", out.max_connections_per_source);
    read_size(*section, "enrollment_max_connections", out.enrollment_max_connections);
    read_size(*section, "enrollment_max_connections_per_source", out.enrollment_max_connections_per_source);
    read_size(*section, "admin_max_connections", out.admin_max_connections);
    read_size(*section, "admin_max_connections_per_source", out.admin_max_connections_per_source);
    section->finish();
}

void read_timeouts(MapReader& root, TimeoutsConfig& out) {
    auto section = root.mapping("timeouts");
    if (!section) return;
    const std::pair<std::string_view, Seconds*> timeouts[] = {
        {"handshake", &out.handshake},
        {"request_header", &out.request_header},
        {"request_body", &out.request_body},
        {"keepalive_idle", &out.keepalive_idle},
        {"upstream_connect", &out.upstream_connect},
        {"upstream_response", &out.upstream_response},
        {"upstream_idle", &out.upstream_idle},
        {"drain", &out.drain},
        {"connection_lifetime", &out.connection_lifetime},
        {"tunnel_idle", &out.tunnel_idle},
    };
    for (const auto& [key, value] : timeouts) {
        section->read_duration(key, *value, Seconds(1), no_limit);
    }
    section->finish();
}

void read_admin(MapReader& root, bool have_pkcs11_module, AdminConfig& out) {
    auto section = root.mapping("admin");
    if (!section) return;
    // A bare port is the loopback default: "listen: 9090" means 127.0.0.1:9090.
    Endpoint listen;
    std::uint64_t port = 0;
    const auto value = section->scalar("listen");
    if (value && !value->value.empty() &&
        std::all_of(value->value.begin(), value->value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (section->read_unsigned("listen", port, 65535)) out.listen = Endpoint{"127.0.0.1", static_cast<std::uint16_t>(port)};
    } else if (section->read_endpoint("listen", listen)) {
        out.listen = listen;
    }
    if (auto tls = section->has("tls") ? section->mapping("tls") : std::nullopt) {
        AdminTlsConfig t;
        tls->require("certificate", "PEM file with the admin listener's certificate and chain");
        tls->read_file("certificate", t.certificate);
        tls->require("key", "PEM file of the admin listener's key, or a pkcs11: URI");
        read_private_key(*tls, "key", have_pkcs11_module, t.key);
        tls->require("client_ca", "PEM bundle of the CAs that issue operators' client certificates");
        tls->read_file("client_ca", t.client_ca);
        read_crl_files(*tls, t.crl);
        tls->finish();
        out.tls = std::move(t);
    }
    if (auto api = section->has("api") ? section->mapping("api") : std::nullopt) {
        AdminApiConfig a;
        api->require("allow_from", "the addresses of the management terminals, e.g. [10.20.0.0/24]");
        for (const auto& item : api->scalar_list("allow_from", true)) {
            std::string error;
            if (auto cidr = parse_cidr(item.value, error)) {
                a.allow_from.push_back(std::move(*cidr));
            } else {
                api->context().problem(item.line, item.key, error);
            }
        }
        if (!out.tls)
            api->problem("allow_from", "the administration API needs admin.tls: administrators are known by their "
                                       "operator certificate (admin.tls.client_ca) and their password");
        else if (out.tls->crl.empty())
            api->problem("allow_from", "the administration API needs admin.tls.crl: the certificate of an "
                                       "administrator who leaves must be refusable ('sekishoctl pki operator-ca' "
                                       "writes operator-ca.crl, 'pki operator-revoke' updates it)");
        api->finish();
        out.api = std::move(a);
    }
    if (out.listen && !out.tls && !is_loopback_host(out.listen->host))
        section->problem("listen", out.listen->host + " is not a loopback address: metrics and the dashboard "
                                   "would be open to the network; add admin.tls (certificate, key, client_ca) so "
                                   "that only operators with a client certificate get in, or listen on 127.0.0.1");
    section->finish();
}

namespace {

// "33%": the last part of a certificate's validity in which it may renew.
void read_renewal_window(MapReader& section, int& out) {
    const auto value = section.scalar("renewal_window");
    if (!value) return;
    std::string error;
    const std::string& text = value->value;
    const auto parsed = text.ends_with('%') ? parse_unsigned(std::string_view(text).substr(0, text.size() - 1), 100, error)
                                            : std::nullopt;
    if (!parsed || *parsed == 0) {
        section.problem("renewal_window", "\"" + text + "\" is not a percentage from 1% to 100% (e.g. 33% = "
                                          "the last third of the validity; 100% = renewal at any time)");
        return;
    }
    out = static_cast<int>(*parsed);
}

void read_issuing_ca(MapReader& ca, bool have_pkcs11_module, IssuingCaConfig& out) {
    ca.read_text("name", out.name);
    ca.require("certificate", "PEM file of the device-issuing CA certificate");
    ca.read_file("certificate", out.certificate);
    ca.require("key", "PEM file of the issuing CA key, or a pkcs11: URI (it signs the CA's CRL)");
    read_private_key(ca, "key", have_pkcs11_module, out.key);
    ca.read_file("chain", out.chain);
    ca.require("crl", "where the CA's CRL is written (list the same file in tls.crl)");
    ca.read_data_file("crl", out.crl);
    ca.finish();
}

// Each CA's name is its CRL's URL and its crl file is its own: two alike would overwrite
// each other's CRL.
void check_issuing_ca_names(MapReader& section, const EnrollmentConfig& out) {
    std::vector<const IssuingCaConfig*> all{&out.ca};
    for (const auto& previous : out.previous_cas) all.push_back(&previous);
    for (std::size_t i = 1; i < all.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (all[i]->name == all[j]->name)
                section.problem("previous_cas", "the name " + all[i]->name +
                                                    " is given twice: each issuing CA needs a name of its own "
                                                    "(it names its CRL, /crl/<name>.crl)");
            else if (!all[i]->crl.empty() && all[i]->crl == all[j]->crl)
                section.problem("previous_cas", "CAs " + all[j]->name + " and " + all[i]->name +
                                                    " both write their CRL to " + all[i]->crl);
        }
    }
    // Each CA's delta CRL is /crl/<name>-delta.crl, written beside its CRL as <name>-delta.crl:
    // neither may be another CA's.
    for (const auto* a : all) {
        for (const auto* b : all) {
            if (b->name == delta_crl_name(a->name))
                section.problem("previous_cas", "the name " + b->name + " is taken by the delta CRL of " + a->name +
                                                    " (/crl/" + b->name + ".crl)");
            if (!a->crl.empty() && b->crl == delta_crl_file(a->crl))
                section.problem("previous_cas", "CA " + b->name + " writes its CRL to " + b->crl + ", where " + a->name +
                                                    " writes its delta CRL");
        }
    }
}

} // namespace

void read_enrollment(MapReader& root, bool have_pkcs11_module, EnrollmentConfig& out) {
    auto section = root.mapping("enrollment");
    if (!section) return;
    section->require("listen", "the enrollment listener, e.g. 0.0.0.0:8444");
    Endpoint listen;
    if (section->read_endpoint("listen", listen)) out.listen = listen;
    section->require("public_url", "how terminals reach the enrollment listener, e.g. https://enroll.example.jp:8444");
    if (section->read_text("public_url", out.public_url)) {
        if (!out.public_url.starts_with("https://"))
            section->problem("public_url", "must start with https:// (enrollment is only over TLS)");
        while (out.public_url.ends_with('/')) out.public_url.pop_back();
    }
    if (auto ca = section->mapping("ca")) read_issuing_ca(*ca, have_pkcs11_module, out.ca);
    for (auto& previous : section->mapping_list("previous_cas")) {
        previous.require("name", "the earlier CA's name, as in its /crl/<name>.crl");
        read_issuing_ca(previous, have_pkcs11_module, out.previous_cas.emplace_back());
    }
    check_issuing_ca_names(*section, out);
    section->read_duration("device_validity", out.device_validity, Seconds(86400), Seconds(3650 * 86400));
    section->read_duration("crl_validity", out.crl_validity, Seconds(3600), Seconds(30 * 86400));
    section->read_unsigned("delta_crl_above", out.delta_crl_above, 100'000'000);
    section->read_duration("temporary_validity", out.temporary_validity, kMinTemporaryValidity, kMaxTemporaryValidity);
    section->read_duration("renewal_overlap", out.renewal_overlap, Seconds(0), Seconds(365 * 86400));
    read_renewal_window(*section, out.renewal_window_percent);
    section->read_duration("renewal_min_interval", out.renewal_min_interval, Seconds(0), Seconds(365 * 86400));
    read_proxy_protocol(*section, out.proxy_protocol);
    section->finish();
}

UpstreamTlsConfig read_upstream_tls(MapReader& section, bool have_pkcs11_module) {
    UpstreamTlsConfig out;
    section.read_file("ca", out.ca);
    section.read_file("certificate", out.certificate);
    read_private_key(section, "key", have_pkcs11_module, out.key);
    section.read_text("server_name", out.server_name);
    const bool has_certificate = section.has("certificate");
    if (has_certificate != section.has("key")) {
        section.problem(has_certificate ? "certificate" : "key",
                        "certificate and key go together: give both (mutual TLS towards the "
                        "upstream) or neither");
    }
    section.finish();
    return out;
}

} // namespace sekisho::config::detail
