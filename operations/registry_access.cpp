#include "operations/registry_access.hpp"

#include "config/load.hpp"

#include <stdexcept>

namespace sekisho::operations {

config::Config load_registry_config(const std::string& config_path, std::string_view group) {
    config::Config config = config::load_file(config_path);
    if (!config.registry.configured()) {
        throw std::runtime_error(config_path + ": no registry is configured (registry.sqlite or " +
                                 "registry.postgresql): the " + std::string(group) + " commands need the registry");
    }
    return config;
}

} // namespace sekisho::operations
