// The one place that names a session store backend: memory for one instance, Redis when
// auth.sessions.store says so. Reads the files the configuration names (Redis password,
// cluster secret) now; throws std::runtime_error naming the key and file that failed.
#pragma once

#include "config/config.hpp"
#include "session/session_store.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <string>

namespace sekisho::session {

// The store's I/O runs on executor (the gateway's I/O threads); nothing blocks there.
std::unique_ptr<SessionStore> make_session_store(const config::Config& config, boost::asio::any_io_executor executor);

// The cluster secret's bytes (cluster.secret_file), or empty when none is configured.
std::string read_cluster_secret(const config::ClusterConfig& cluster);

} // namespace sekisho::session
