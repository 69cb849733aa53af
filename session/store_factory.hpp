// The one place that names a session store backend: memory for one instance, Redis when
// auth.sessions.store says so. Reads the files the configuration names (Redis password,
// cluster secret) now; throws std::runtime_error naming the key and file that failed.
#pragma once

#include "config/config.hpp"
#include "session/failure_counters.hpp"
#include "session/session_store.hpp"
#include "session/ticket_key_source.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

namespace sekisho::session {

// What the logins of several instances must share: the sessions and the spraying windows.
struct Stores {
    std::unique_ptr<SessionStore> sessions;
    std::unique_ptr<FailureCounters> per_terminal; // failures by terminal certificate
    std::unique_ptr<FailureCounters> per_source;   // failures by client address
};

// Their network I/O runs on executor; nothing blocks there.
Stores make_stores(const config::Config& config, boost::asio::any_io_executor executor);

// Where the TLS ticket keys come from: Redis when sessions are shared there, else this
// process. Throws like make_stores.
std::unique_ptr<TicketKeySource> make_ticket_keys(const config::Config& config, boost::asio::any_io_executor executor);

// The cluster secret's bytes (cluster.secret_file), or empty when none is configured.
std::string read_cluster_secret(const config::ClusterConfig& cluster);

} // namespace sekisho::session
