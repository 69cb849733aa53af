// The admin listener: plain HTTP for operators and monitoring, meant for loopback or a
// management network. /healthz, /metrics (Prometheus) and /_sekisho/jwks.json.
#pragma once

#include "gateway/http_types.hpp"
#include "gateway/metrics.hpp"
#include "gateway/runtime.hpp"

namespace sekisho::gateway {

Task<void> run_admin_listener(tcp::acceptor& acceptor, const RuntimeHolder& runtime, const Metrics& metrics);

} // namespace sekisho::gateway
