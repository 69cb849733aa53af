#include "gateway/runtime/runtime.hpp"

#include <stdexcept>

namespace sekisho::gateway {

const UpstreamTls* Runtime::upstream_tls_for(const config::Route& route) const {
    auto it = upstream_tls.find(route.name);
    return it == upstream_tls.end() ? nullptr : it->second.get();
}

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
