// sekisho --check: a configuration built completely (certificates, keys, CRLs, the admin
// listener's TLS) without serving.
#include "gateway/daemon/server.hpp"

#include "config/load.hpp"
#include "gateway/runtime/runtime.hpp"
#include "gateway/tls/tls_context.hpp"

#include <filesystem>

namespace sekisho::gateway {

std::string check_configuration(const std::string& config_path) {
    try {
        auto cfg = config::load_file(config_path);
        TicketKeys keys;
        DeviceAdmission admission;
        // A SQLite file is created on first use; a PostgreSQL registry is not contacted here.
        if (!cfg.registry.sqlite.empty() && !std::filesystem::exists(cfg.registry.sqlite))
            return config_path + ": registry.sqlite: " + cfg.registry.sqlite +
                   " does not exist yet (sekishoctl creates it)";
        if (cfg.admin.tls) make_admin_tls(*cfg.admin.tls, cfg.tls);
        build_runtime(std::move(cfg), keys, 0, &admission);
        return {};
    } catch (const config::ConfigError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return config_path + ": " + e.what();
    }
}

} // namespace sekisho::gateway
