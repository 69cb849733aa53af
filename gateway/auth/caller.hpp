// Who is calling: the terminal, known from its certificate at the TLS handshake, and the
// person, known from the login session. Plain values, shared by the login code, the
// request stages and the identity headers sent upstream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sekisho::gateway {

// Established at the TLS handshake; the same for every request on the connection.
struct ClientIdentity {
    std::string device;   // SHA-256 fingerprint of the client certificate, lower-case hex
    std::string facility; // from the certificate (SAN URI or subject O)
    std::string subject;  // for logs
    std::string serial;   // the certificate's serial number, hex (as the registry and CRLs print it)
};

// Established at login, on routes that need one: who is using the terminal.
struct UserIdentity {
    std::string user;
    std::string name;     // display name (JWS only: header values stay ASCII)
    std::string facility; // the user's facility
    std::vector<std::string> roles;
    std::string session_ref; // session_reference(): correlates requests, useless as a cookie
};

// A stable reference to a session for backends and logs: 32 hex digits derived from the
// session's id hash (one-way, so it cannot be turned back into the cookie).
std::string session_reference(std::string_view session_id_hash);

} // namespace sekisho::gateway
