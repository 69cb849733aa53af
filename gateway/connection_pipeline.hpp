// The pipeline of one client connection (ARCHITECTURE.md): the handshake's verdict
// (connection_handshake.cpp), then one request after the other (connection.cpp). Private
// to those two files.
#pragma once

#include "gateway/assertion_cache.hpp"
#include "gateway/connection.hpp"
#include "gateway/identity.hpp"
#include "gateway/request_checks.hpp"
#include "gateway/request_reader.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace sekisho::config {
struct Route;
}

namespace sekisho::gateway {

struct Runtime;

ClientIdentity identity_of(X509* cert);

class ConnectionPipeline {
public:
    ConnectionPipeline(ClientStream& stream, std::shared_ptr<const Runtime> rt, WorkerContext& worker,
                       std::string peer, std::string peer_ip)
        : stream_(stream), rt_(std::move(rt)), worker_(worker), peer_(std::move(peer)),
          peer_ip_(std::move(peer_ip)), connection_id_(next_connection_id()) {}

    // A process nonce and a connection count: unique across restarts, no CSPRNG per connection.
    static std::string next_connection_id();

    Task<void> run();

private:
    bool handshake_succeeded(const boost::system::error_code& ec);
    // Draining, reloaded since the handshake, or past the request count or lifetime: the
    // current request is answered with "Connection: close".
    bool may_take_another_request() const;
    // One request whose header block has been read; false when the connection ends.
    Task<bool> serve_one(HeaderRead head);
    Task<void> send(Response res);
    Task<void> refuse(const Rejection& r, unsigned version);
    // The login session a route needs; false when the request was answered instead.
    Task<bool> admit(const Request& req, const config::Route& route, bool keep_alive);

    ClientStream& stream_;
    std::shared_ptr<const Runtime> rt_;
    WorkerContext& worker_;
    std::string peer_, peer_ip_, sni_;
    ClientIdentity identity_;
    std::optional<UserIdentity> user_; // the session's user, for the request being served
    // "<process>-<connection>-<n>": in every event of the request and in X-Request-Id, so a
    // backend's log line and the audit record of the same request can be matched.
    std::string connection_id_;
    std::uint64_t requests_ = 0;
    std::chrono::steady_clock::time_point admitted_at_{};
    std::string request_id_;
    // The signed assertion for the route, from the worker's cache (assertion_cache.hpp);
    // the connection keeps the last one to skip the lookup on the next request.
    const std::string& assertion_for(const config::Route& route);
    std::shared_ptr<const AssertionCache::Entry> assertion_;
    beast::flat_buffer buffer_;
    ConnectionRegistry::Entry entry_;
};

} // namespace sekisho::gateway
