// Importing an existing terminal certificate into the registry as a new device
// (`sekishoctl device register`), for certificates issued outside Sekisho's enrollment.
#pragma once

#include "store/device_registry.hpp"

#include <optional>
#include <string>

namespace sekisho::operations {

struct DeviceRegistration {
    std::string facility;
    std::string name;
    std::string cert_path;             // names the certificate in messages
    std::string cert_pem;              // PEM text; the first certificate is the device's
    std::optional<std::string> issuer; // default: the issuer's CN (else its whole subject)
    std::string actor;
};

// Checks the certificate (clientAuth EKU, not a CA, not expired, serial and fingerprint not
// yet registered), then creates the device and adds the certificate. Returns the device as
// stored. Throws std::runtime_error naming the file and the reason, or store::RegistryError.
store::Device register_device(store::DeviceRegistry& registry, const DeviceRegistration& request);

} // namespace sekisho::operations
