// What the backend learns about the caller, and how it can trust it: inbound identity
// headers are removed, the gateway adds its own and signs them as an ES256 JWS.
#pragma once

#include "config/config.hpp"
#include "gateway/auth/caller.hpp"
#include "gateway/http/http_types.hpp"
#include "pki/jws.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::gateway {

// Removes hop-by-hop fields (RFC 9110 §7.6.1: Connection and every field it names,
// Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authorization,
// Proxy-Authenticate). keep_upgrade keeps "Connection: upgrade" + Upgrade for WebSocket.
void strip_hop_by_hop(http::fields& fields, bool keep_upgrade);

// The compact JWS for X-Sekisho-Jwt-Assertion: iss, aud, iat, exp, device, facility; with a
// user also sub, name, roles, user_facility, sid (the session reference).
std::string make_assertion(const pki::Es256Signer& signer, const config::AssertionConfig& cfg,
                           const config::Route& route, const ClientIdentity& id, const UserIdentity* user,
                           std::chrono::system_clock::time_point now);

// Prepares a client request for the upstream: hop-by-hop, every X-Sekisho-* field, every
// field with '_' in its name (CGI-style backends read X_Sekisho_User as X-Sekisho-User) and
// the session cookie out; X-Forwarded-For/-Proto/-Host, X-Request-Id (the gateway's, as in the
// audit trail), X-Sekisho-Device/-Facility/-Jwt-Assertion (and X-Sekisho-User/-Roles/-Session
// with a user) in; body framed by Content-Length (never chunked on the way out).
void rewrite_for_upstream(Request& req, const ClientIdentity& id, const UserIdentity* user,
                          std::string_view peer_ip, std::string_view assertion, bool websocket_upgrade,
                          std::string_view request_id);

} // namespace sekisho::gateway
