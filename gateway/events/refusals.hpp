// Why the gateway refused something: the reasons counted in the metrics and named in log
// events, each a closed list so that dashboards and alert rules can rely on the names.
// Included by whatever refuses (TLS verifier, request checks, login), which need not know
// the metrics registry.
#pragma once

#include <string_view>

namespace sekisho::gateway {

// Why a TLS handshake on the main listener was refused.
enum class HandshakeRefusal {
    no_certificate,
    unknown_ca,
    expired,
    revoked,
    wrong_key_usage,
    not_registered,  // chains to the device CA but is no active device of the registry
    crl_unavailable, // no usable CRL for a CA in the chain (missing, expired, bad signature)
    registry_unavailable, // the registry unreadable for longer than registry.max_staleness
    protocol,
    cipher,
    no_extended_master_secret, // TLS 1.2 without RFC 7627 (tls12-high-security profile)
    other,
    count_
};
std::string_view to_string(HandshakeRefusal r);

// Why a request was answered by the gateway itself with a 4xx before any upstream saw it.
enum class RequestRejection {
    bad_framing,      // CL+TE, duplicate/invalid Content-Length, bad chunk, unsupported TE
    obs_fold,
    bad_request,      // anything else malformed
    method_not_allowed,
    foreign_target,   // absolute-form target for another host
    header_too_large,
    body_too_large,
    misdirected,      // Host unknown or not equal to the TLS SNI
    no_route,
    upgrade_refused,
    timeout,
    login_required,   // a login route without a live session (401 or a redirect to the login page)
    session_crossover, // a session cookie on a terminal it was not issued to
    forbidden,        // a session without the route's roles or facility
    store_unavailable, // the session store cannot answer: 503, the cookie kept
    count_
};
std::string_view to_string(RequestRejection r);

// Why a login was refused (the login API's answer, the log's reason and the metric's
// outcome; a login that is not refused counts as "succeeded").
enum class LoginRefusal {
    bad_credentials,   // unknown user, wrong password, disabled or locked: one answer for all
    too_many_attempts, // this terminal or source address is blocked or busy (password spraying)
    session_limit,     // the user holds max_per_user sessions and on_limit is refuse
    facility,          // the user's facility may not use this terminal
    outside_hours,     // no login window of the user's roles is open
    break_glass_off,   // an emergency account outside an enabled period
    unavailable,       // the registry cannot be read: fail closed
    count_
};
std::string_view to_string(LoginRefusal r);

} // namespace sekisho::gateway
