#include "gateway/runtime/runtime.hpp"

#include "pki/certificate.hpp"

#include <set>
#include <stdexcept>

namespace sekisho::gateway {

const UpstreamTls* Runtime::upstream_tls_for(const config::Route& route) const {
    auto it = upstream_tls.find(route.name);
    return it == upstream_tls.end() ? nullptr : it->second.get();
}

namespace {

// With the administration API on, a certificate of admin.tls.client_ca is half of an
// administrator's login: a CA that also issues terminals would let a terminal named like an
// administrator hold that half.
void refuse_terminal_cas_for_operators(const std::string& operator_cas, const std::string& terminal_cas) {
    std::set<std::string> terminal;
    for (const auto& cert : pki::load_certificates(terminal_cas)) terminal.insert(pki::sha256_fingerprint_hex(cert.get()));
    for (const auto& cert : pki::load_certificates(operator_cas))
        if (terminal.contains(pki::sha256_fingerprint_hex(cert.get())))
            throw std::runtime_error("client_ca " + operator_cas + " holds " + pki::subject_of(cert.get()) +
                                     ", which tls.client_ca trusts for terminals too: with admin.api on, "
                                     "operators need a CA of their own ('sekishoctl pki operator-ca')");
}

} // namespace

std::shared_ptr<const Runtime> build_runtime(config::Config cfg, const TicketKeys& keys,
                                             std::uint64_t generation, const DeviceAdmission* admission) {
    auto rt = std::make_shared<Runtime>();
    rt->config = std::move(cfg);
    rt->generation = generation;
    const auto& c = rt->config;
    rt->listener_tls = make_listener_tls(c.tls, keys, admission);
    rt->routes = std::make_unique<RouteTable>(rt->config.routes);
    if (c.enrollment.listen) {
        rt->enrollment_verifier = std::make_unique<ClientCertVerifier>(c.tls, admission);
        rt->enrollment_tls = make_enrollment_tls(c.tls, rt->listener_tls.server_key, *rt->enrollment_verifier);
    }
    rt->assertion_keys = load_assertion_keys(c.assertion, c.source_file);
    if (c.admin.tls) {
        try {
            if (c.admin.api) refuse_terminal_cas_for_operators(c.admin.tls->client_ca, c.tls.client_ca);
            rt->admin_tls = make_admin_tls(*c.admin.tls, c.tls);
        } catch (const std::exception& e) {
            throw std::runtime_error("admin.tls: " + std::string(e.what()));
        }
    }

    std::shared_ptr<UpstreamTls> shared_default;
    for (const auto& route : c.routes) {
        if (route.upstream.scheme != "https") continue;
        try {
            if (route.upstream_tls) {
                auto up = std::make_shared<UpstreamTls>();
                up->context = make_upstream_tls(*route.upstream_tls, c.tls.pkcs11_module, up->client_key);
                rt->upstream_tls[route.name] = up;
            } else {
                if (!shared_default) {
                    shared_default = std::make_shared<UpstreamTls>();
                    shared_default->context =
                        make_upstream_tls(c.upstream_tls, c.tls.pkcs11_module, shared_default->client_key);
                }
                rt->upstream_tls[route.name] = shared_default;
            }
        } catch (const std::exception& e) {
            throw std::runtime_error("routes." + route.name + " upstream TLS: " + e.what());
        }
    }
    return rt;
}

} // namespace sekisho::gateway
