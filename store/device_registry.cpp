#include "store/device_registry.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace sekisho::store {

std::string to_string(DeviceStatus status) {
    switch (status) {
    case DeviceStatus::active:
        return "active";
    case DeviceStatus::suspended:
        return "suspended";
    case DeviceStatus::revoked:
        return "revoked";
    }
    return "unknown";
}

DeviceStatus parse_device_status(const std::string& text) {
    for (DeviceStatus s : {DeviceStatus::active, DeviceStatus::suspended, DeviceStatus::revoked}) {
        if (to_string(s) == text) return s;
    }
    throw RegistryError("unknown device status \"" + text + "\": expected active, suspended or revoked");
}

bool is_revocation_reason(const std::string& name) {
    // The names pki/crl.cpp parses, without certificateHold and removeFromCRL, which only
    // the registry itself produces or which do not apply to a final revocation.
    static constexpr std::array<std::string_view, 8> kNames = {
        "unspecified", "keyCompromise",        "cACompromise",       "affiliationChanged",
        "superseded",  "cessationOfOperation", "privilegeWithdrawn", "aACompromise",
    };
    return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

} // namespace sekisho::store
