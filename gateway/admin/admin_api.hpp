// The administration API on the admin listener: /api/v1/run runs one sekishoctl command
// (device, user, session) in the gateway as the administrator who sent it, so that
// administration from a management terminal needs no shell on the gateway host
// (`sekishoctl --remote`). Who it is, checked on every call, fail closed:
//   1. the listener is TLS (admin.tls) and the connection presented an operator certificate
//      of admin.tls.client_ca, CRL-checked by the handshake;
//   2. the address is in admin.api.allow_from (403 otherwise, before any credential is read);
//   3. HTTP Basic credentials whose user id is the certificate's subject CN, and whose
//      password is that user's (Argon2id, counted towards lockout and the spraying windows
//      like a login) — the certificate is possession, the password knowledge;
//   4. the user holds an administration role permitting the command
//      (operations/administrators.hpp).
// Every call, allowed or refused, is a log event (admin.api_call / admin.api_refused) and so an
// audit record, with the authenticated actor; the registry's ledger names the same actor.
//
// Request:  POST /api/v1/run, Content-Type: application/json,
//           {"args": ["device", "revoke", "dev-…", "--reason", "keyCompromise"],
//            "stdin": "…" (what --password-stdin reads), "files": {"name": "PEM text"}}
// Response: 200 {"exit": 0|1|2, "output": "…", "error": "…"} — the command's exit status,
//           what it printed and its error; 401/403/503 {"error": "…"} when it did not run.
#pragma once

#include "gateway/auth/auth_service.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/listener/peer_address.hpp"
#include "gateway/runtime/runtime.hpp"
#include "store/registry.hpp"

#include <boost/asio/thread_pool.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sekisho::gateway {

struct AdminApiContext {
    const RuntimeHolder& runtime;
    std::shared_ptr<store::Registry> registry;
    auth::AuthService& auth;
    boost::asio::thread_pool& blocking; // the commands' registry work and hashing
    // The self-disclosure's own thread (it reads a month of trail and verifies a backup):
    // however often it is asked for, logins and enrollment never wait behind it.
    boost::asio::thread_pool& reports;
};

// The operator certificate a TLS connection presented (verified by the handshake).
struct OperatorCertificate {
    std::string common_name;
    ClientIdentity identity; // fingerprint, subject, serial
};
std::optional<OperatorCertificate> operator_certificate(SSL* ssl);

// The largest request body the API reads (a command, its stdin and a certificate or two).
inline constexpr std::size_t kAdminApiMaxBody = 256 * 1024;

bool is_admin_api_path(std::string_view path);

// Answers one API request. certificate: nullopt on a plain-HTTP listener (refused).
Task<Response> answer_admin_api(const Request& req, const std::optional<OperatorCertificate>& certificate,
                                const Peer& peer, const AdminApiContext& ctx);

} // namespace sekisho::gateway
