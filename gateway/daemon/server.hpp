// The daemon: worker threads (one io_context each), the main and admin listeners, and the
// control thread that handles SIGHUP (reload) and SIGTERM/SIGINT (drain, then exit).
#pragma once

#include "config/config.hpp"
#include "gateway/tls/device_admission.hpp"
#include "gateway/events/metrics.hpp"
#include "gateway/runtime/runtime.hpp"

#include <memory>
#include <string>
#include <vector>

namespace sekisho::gateway {

class Server {
public:
    // Builds the first runtime snapshot; throws (with the config key) when it cannot.
    Server(std::string config_path, config::Config initial);
    ~Server();

    // Listens, serves until SIGTERM/SIGINT and the drain are over. Returns the exit code.
    int run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Loads and fully builds a configuration (certificates, keys, CRLs) without serving.
// Returns the problems, one per line; empty when the configuration is usable.
std::string check_configuration(const std::string& config_path);

// What --check says besides problems, one line each (a configuration that works, unwisely):
// fewer than two administrators when the administration API is on.
std::vector<std::string> configuration_warnings(const std::string& config_path);

} // namespace sekisho::gateway
