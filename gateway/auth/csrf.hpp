// CSRF tokens for the gateway's own forms, stateless: an HMAC-SHA256 under a key made at
// start-up, or derived from the cluster secret so that a form served by one instance is
// accepted by another (config cluster.secret_file). The login form's token is bound to the
// terminal certificate and expires; the forms inside a session carry a token bound to that
// session. A restart of a lone instance invalidates open forms, which then simply show again.
#pragma once

#include <array>
#include <chrono>
#include <string>
#include <string_view>

namespace sekisho::gateway::auth {

class CsrfKeys {
public:
    CsrfKeys(); // a fresh random key; throws std::runtime_error if RAND fails
    // The key every instance sharing cluster_secret derives alike (empty secret: random).
    explicit CsrfKeys(std::string_view cluster_secret);

    std::string login_token(std::string_view device, std::chrono::system_clock::time_point now) const;
    bool check_login_token(std::string_view token, std::string_view device,
                           std::chrono::system_clock::time_point now) const; // valid for 1 h

    std::string session_token(std::string_view session_hash) const;
    bool check_session_token(std::string_view token, std::string_view session_hash) const;

private:
    std::string mac(std::string_view message) const;
    std::array<unsigned char, 32> key_{};
};

} // namespace sekisho::gateway::auth
