// The demo terminal, enrolled the way any terminal is: a one-time ticket, a key made on the
// terminal's side, a CSR, and the ticket redeemed against the demo's own configuration
// (enroll::Enrollment, as behind the gateway's EST and browser enrollment).
#pragma once

#include "config/config.hpp"
#include "store/device_registry.hpp"
#include "store/ticket_registry.hpp"

#include <filesystem>
#include <string>

namespace sekisho::ctl {

struct DemoTerminal {
    std::string device_id;    // in the registry
    std::string ticket_id;    // the spent ticket it was enrolled with
    std::string p12_password; // of device.p12
};

// Enrolls kDemoDevice of kDemoFacility with the enrollment CA that config (the demo's
// sekisho.yaml) names into the registry it names (its devices and tickets); "demo-init" is
// the actor in the ledger. Writes device.key (mode 0600), device.crt and device.p12 (with the
// CA chain, mode 0600) into pki_dir.
DemoTerminal enroll_demo_terminal(const config::Config& config, store::DeviceRegistry& devices,
                                  store::TicketRegistry& tickets, const std::filesystem::path& pki_dir);

} // namespace sekisho::ctl
