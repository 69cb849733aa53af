// sekisho: the gateway daemon.
#include "config/load.hpp"
#include "gateway/listener/process_limits.hpp"
#include "gateway/daemon/server.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

namespace {

void usage(std::FILE* to) {
    std::fprintf(to,
                 "usage: sekisho --config FILE [--check]\n"
                 "  --config FILE  the YAML configuration (see config/examples/sekisho.yaml)\n"
                 "  --check        validate the configuration, certificates and keys, then exit\n"
                 "                 (0 = usable, 1 = problems listed on stderr)\n"
                 "signals: SIGHUP reloads the configuration; SIGTERM drains and exits 0\n");
}

} // namespace

int main(int argc, char** argv) {
    std::string config_path;
    bool check_only = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "--check") {
            check_only = true;
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "sekisho: unknown argument '%s'\n", arg.c_str());
            usage(stderr);
            return 2;
        }
    }
    if (config_path.empty()) {
        usage(stderr);
        return 2;
    }
    if (check_only) {
        auto problems = sekisho::gateway::check_configuration(config_path);
        if (!problems.empty()) {
            std::cerr << problems << '\n';
            return 1;
        }
        std::cout << "configuration OK: " << config_path << '\n';
        for (const auto& warning : sekisho::gateway::configuration_warnings(config_path))
            std::cerr << "warning: " << warning << '\n';
        return 0;
    }
    sekisho::gateway::raise_open_files_limit();
    try {
        sekisho::gateway::Server server(config_path, sekisho::config::load_file(config_path));
        const int code = server.run();
        // Drained and stopped: a second SIGTERM (systemd's, an impatient operator's) must not
        // turn the clean exit that follows into a kill while the parts are torn down.
        std::signal(SIGTERM, SIG_IGN);
        std::signal(SIGINT, SIG_IGN);
        return code;
    } catch (const sekisho::config::ConfigError& e) {
        std::cerr << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << config_path << ": " << e.what() << '\n';
        return 1;
    }
}
