// The login pages under /_sekisho/: login (form and JSON API), the login notice,
// password change, logout and the session view. Only reached on the main listener, so
// every request here already carries a verified terminal certificate.
#pragma once

#include "gateway/auth/auth_service.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/auth/caller.hpp"
#include "gateway/events/metrics.hpp"

#include <memory>
#include <string_view>

namespace sekisho::gateway::auth {

struct AuthRequest {
    const Request& req;
    std::shared_ptr<const config::Config> cfg;
    const ClientIdentity& terminal;
    std::string_view peer_ip;
    bool keep_alive;
    Metrics& metrics;
};

// Whether the path (already known to be reserved) is one of the login pages.
bool is_auth_path(std::string_view path);

Task<Response> answer_auth(AuthService& auth, AuthRequest r);

} // namespace sekisho::gateway::auth
