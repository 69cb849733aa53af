// sekisho --check: a configuration built completely (certificates, keys, CRLs, the admin
// listener's TLS) without serving.
#include "gateway/daemon/server.hpp"

#include "config/load.hpp"
#include "gateway/runtime/runtime.hpp"
#include "gateway/tls/tls_context.hpp"

#include "operations/administrators.hpp"
#include "store/registry.hpp"

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
        build_runtime(std::move(cfg), keys, 0, &admission);
        return {};
    } catch (const config::ConfigError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return config_path + ": " + e.what();
    }
}

std::vector<std::string> configuration_warnings(const std::string& config_path) {
    std::vector<std::string> warnings;
    try {
        const auto cfg = config::load_file(config_path);
        // Administrators matter once there is an administration API; the SQLite registry is
        // read (PostgreSQL is not contacted by --check: the gateway says it at start-up).
        if (cfg.admin.api && !cfg.registry.sqlite.empty() && std::filesystem::exists(cfg.registry.sqlite)) {
            auto registry = store::open_registry(cfg.registry);
            auto warning = operations::too_few_admins_warning(operations::active_admins(registry->users().list_users()));
            if (!warning.empty()) warnings.push_back(cfg.registry.sqlite + ": " + warning);
        }
    } catch (const std::exception& e) {
        warnings.push_back(std::string("cannot count the administrators: ") + e.what());
    }
    return warnings;
}

} // namespace sekisho::gateway
