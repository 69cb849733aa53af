// Where the registry command groups (device, user) find the registry: the gateway
// configuration's registry (registry.sqlite or registry.postgresql), so that sekishoctl and
// the gateway share one registry.
#pragma once

#include "config/config.hpp"

#include <string>
#include <string_view>

namespace sekisho::operations {

// Loads the configuration at config_path and checks that it names a registry; throws
// std::runtime_error naming the file and the key otherwise. group ("device", "user") names
// the commands in the message.
config::Config load_registry_config(const std::string& config_path, std::string_view group);

} // namespace sekisho::operations
