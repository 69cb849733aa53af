// The enrollment listener: TLS with server authentication (the client certificate is
// optional and only used for EST renewal), HTTP/1.1, each request answered by the
// EnrollmentService on the blocking pool so no I/O thread waits on SQLite or the CA key.
#pragma once

#include "gateway/listener/connection_limits.hpp"
#include "gateway/listener/proxy_gate.hpp"
#include "gateway/enrollment/enrollment_service.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/runtime/runtime.hpp"

#include <boost/asio/thread_pool.hpp>

namespace sekisho::gateway {

struct EnrollmentContext {
    const RuntimeHolder& runtime;
    EnrollmentService& service;
    asio::thread_pool& blocking;
    ConnectionLimits& limits;
    ProxyProtocolCounters& proxy_counters; // enrollment.proxy_protocol's refusals
};

Task<void> run_enrollment_listener(tcp::acceptor& acceptor, EnrollmentContext& context);

} // namespace sekisho::gateway
