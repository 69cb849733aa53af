#include "gateway/events/refusals.hpp"

#include <cstddef>

namespace sekisho::gateway {

std::string_view to_string(HandshakeRefusal r) {
    switch (r) {
    case HandshakeRefusal::no_certificate: return "no_certificate";
    case HandshakeRefusal::unknown_ca: return "unknown_ca";
    case HandshakeRefusal::expired: return "expired";
    case HandshakeRefusal::revoked: return "revoked";
    case HandshakeRefusal::wrong_key_usage: return "wrong_key_usage";
    case HandshakeRefusal::not_registered: return "not_registered";
    case HandshakeRefusal::crl_unavailable: return "crl_unavailable";
    case HandshakeRefusal::registry_unavailable: return "registry_unavailable";
    case HandshakeRefusal::protocol: return "protocol";
    case HandshakeRefusal::cipher: return "cipher";
    case HandshakeRefusal::no_extended_master_secret: return "no_extended_master_secret";
    case HandshakeRefusal::other:
    case HandshakeRefusal::count_: break;
    }
    return "other";
}

std::string_view to_string(RequestRejection r) {
    switch (r) {
    case RequestRejection::bad_framing: return "bad_framing";
    case RequestRejection::obs_fold: return "obs_fold";
    case RequestRejection::bad_request: return "bad_request";
    case RequestRejection::method_not_allowed: return "method_not_allowed";
    case RequestRejection::foreign_target: return "foreign_target";
    case RequestRejection::header_too_large: return "header_too_large";
    case RequestRejection::body_too_large: return "body_too_large";
    case RequestRejection::misdirected: return "misdirected";
    case RequestRejection::no_route: return "no_route";
    case RequestRejection::upgrade_refused: return "upgrade_refused";
    case RequestRejection::timeout: return "timeout";
    case RequestRejection::login_required: return "login_required";
    case RequestRejection::session_crossover: return "session_crossover";
    case RequestRejection::forbidden: return "forbidden";
    case RequestRejection::store_unavailable: return "session_store_unavailable";
    case RequestRejection::count_: break;
    }
    return "bad_request";
}

std::string_view to_string(LoginRefusal r) {
    switch (r) {
    case LoginRefusal::bad_credentials: return "bad_credentials";
    case LoginRefusal::too_many_attempts: return "too_many_attempts";
    case LoginRefusal::session_limit: return "session_limit";
    case LoginRefusal::facility: return "facility";
    case LoginRefusal::outside_hours: return "outside_hours";
    case LoginRefusal::break_glass_off: return "break_glass_off";
    case LoginRefusal::unavailable: return "unavailable";
    case LoginRefusal::count_: break;
    }
    return "unknown";
}

} // namespace sekisho::gateway
