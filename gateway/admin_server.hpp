// The admin listener: plain HTTP for operators and monitoring, meant for loopback or a
// management network. /healthz (the process answers), /readyz (it can do its job: 503 with
// the reasons otherwise), /metrics (Prometheus), /_sekisho/jwks.json and /dashboard (the
// operations dashboard, gateway/dashboard_page.hpp).
#pragma once

#include "gateway/dashboard_registry.hpp"
#include "gateway/event_history.hpp"
#include "gateway/http_types.hpp"
#include "gateway/metrics.hpp"
#include "gateway/runtime.hpp"

#include <functional>
#include <string>
#include <vector>

namespace sekisho::gateway {

struct AdminContext {
    const RuntimeHolder& runtime;
    const Metrics& metrics;
    std::function<std::vector<std::string>()> not_ready; // reasons; empty = ready
    const EventHistory* history = nullptr;               // the dashboard's events
    const RegistrySnapshotSource* registry_view = nullptr; // nullptr: no registry configured
};

Task<void> run_admin_listener(tcp::acceptor& acceptor, const AdminContext& ctx);

} // namespace sekisho::gateway
