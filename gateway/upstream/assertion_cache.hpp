// The signed identity assertions of one worker, shared by its connections.
//
// An assertion depends only on the device, the login session and the route, so every
// connection of one terminal's session (a browser opens several; a terminal reconnects
// with a full handshake) reuses one signature for a quarter of the assertion's lifetime,
// and an idle connection holds a pointer instead of its own copy of the token. Worker
// thread only: no lock.
#pragma once

#include "gateway/upstream/identity.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sekisho::config {
struct Route;
}

namespace sekisho::gateway {

struct Runtime;

class AssertionCache {
public:
    struct Entry {
        std::string token;
        // The snapshot whose signer and route made it: kept alive, and part of the key, so a
        // reload never serves an assertion of the old configuration.
        std::shared_ptr<const Runtime> runtime;
        const config::Route* route = nullptr;
        std::string session; // the session's reference ("" without a login)
        std::string device;
        std::vector<std::string> roles; // granted now: a login window that closes changes them
        std::chrono::steady_clock::time_point made;
    };

    explicit AssertionCache(std::size_t capacity = 10000) : capacity_(capacity) {}

    // Whether `held` (a connection's last assertion) still serves this request.
    static bool serves(const Entry* held, const Runtime& rt, const config::Route& route, const ClientIdentity& id,
                       std::string_view session, std::chrono::steady_clock::time_point now,
                       const std::vector<std::string>& roles = {});

    // The assertion for this request: a fresh enough one of the worker, or a new signature.
    std::shared_ptr<const Entry> get(const std::shared_ptr<const Runtime>& rt, const config::Route& route,
                                     const ClientIdentity& id, const UserIdentity* user,
                                     std::chrono::steady_clock::time_point now);

    std::size_t size() const { return entries_.size(); }
    // After a reload: the old snapshot (and its signing key) is not kept for a quiet worker.
    void clear() { entries_.clear(); }

private:
    void make_room(std::chrono::steady_clock::time_point now);

    std::size_t capacity_;
    std::chrono::steady_clock::time_point swept_{};
    std::unordered_map<std::string, std::shared_ptr<const Entry>> entries_;
};

} // namespace sekisho::gateway
