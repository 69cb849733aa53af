// The two text files `demo init` writes next to the PKI: the gateway configuration and
// demo.json, the machine-readable description scripts and tests use to drive the demo.
#pragma once

#include "ctl/address.hpp"
#include "ctl/demo_pki.hpp"
#include "ctl/demo_terminal.hpp"

#include <filesystem>
#include <string>

namespace sekisho::ctl {

struct DemoLayout {
    std::filesystem::path dir;    // absolute demo folder
    std::string listen;           // as given, e.g. "127.0.0.1:8443"
    HostPort listen_address;
    std::uint16_t admin_port = 0; // listen port + 1000
    std::uint16_t enroll_port = 0; // listen port + 1: EST, the enrollment page and the CRL
    std::string enroll_public_url; // https://localhost:<enroll_port>, enrollment.public_url
    std::string upstream;         // as given
    UpstreamUrl upstream_url;
    std::filesystem::path registry; // absolute: dir/registry.db
};

// sekisho.yaml in the format of config/examples/sekisho.yaml; paths relative to dir.
std::string render_demo_config(const DemoLayout& layout);

// The demo's user in the registry and its password (the only place the password is kept).
struct DemoUser {
    std::string id;
    std::string password;
};

// demo.json: config, gateway_url, ca_bundle, device{cert,key,p12,p12_password,id}, facility,
// admin_url, registry, enroll_url, issuing_ca, user{id,password}. Paths absolute; device.id
// is the demo terminal's registry id.
std::string render_demo_json(const DemoLayout& layout, const DemoPki& pki, const DemoTerminal& terminal,
                             const DemoUser& user);

} // namespace sekisho::ctl
