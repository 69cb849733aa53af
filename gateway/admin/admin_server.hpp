// The admin listener for operators and monitoring: plain HTTP on loopback, or TLS with a
// mandatory operator client certificate (admin.tls) anywhere else. /healthz (the process
// answers), /readyz (it can do its job: 503 with the reasons otherwise), /metrics
// (Prometheus), /_sekisho/jwks.json, /dashboard (the operations dashboard,
// gateway/dashboard_page.hpp) and, with admin.api, the administration API (admin_api.hpp).
#pragma once

#include "gateway/listener/connection_limits.hpp"
#include "gateway/listener/proxy_gate.hpp"
#include "gateway/admin/admin_api.hpp"
#include "gateway/admin/admin_host.hpp"
#include "gateway/admin/dashboard_registry.hpp"
#include "gateway/events/event_history.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/events/metrics.hpp"
#include "gateway/events/volume_watch.hpp"
#include "gateway/runtime/runtime.hpp"

#include <array>
#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <string>
#include <vector>

namespace sekisho::gateway {

struct AdminContext {
    const RuntimeHolder& runtime;
    const Metrics& metrics;
    std::function<std::vector<std::string>()> not_ready; // reasons; empty = ready
    // TLS (admin.tls at start; restart to switch) with the context of the runtime in force at
    // each connection, or plain HTTP.
    bool tls = false;
    const EventHistory* history = nullptr;               // the dashboard's events
    const RegistrySnapshotSource* registry_view = nullptr; // nullptr: no registry configured
    const AdminHostCheck* own_names = nullptr;             // Host names answered; nullptr = any
    // main, enrollment, admin: /metrics shows them; the last one bounds this listener.
    std::array<ConnectionLimits*, 3> connection_limits{};
    // main, enrollment: /metrics shows their PROXY protocol refusals.
    std::array<const ProxyProtocolCounters*, 2> proxy_counters{};
    const AdminApiContext* api = nullptr; // the administration API; nullptr without a registry
    const VolumeWatch* volumes = nullptr; // free space of the audit and registry volumes
};

Task<void> run_admin_listener(tcp::acceptor& acceptor, const AdminContext& ctx);

} // namespace sekisho::gateway
