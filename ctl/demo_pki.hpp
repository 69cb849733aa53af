// The demo's PKI: every key, certificate, CRL and PKCS#12 file the demo gateway and its one
// demo terminal need, written into one folder.
#pragma once

#include <filesystem>
#include <string>

namespace sekisho::ctl {

inline constexpr const char* kDemoFacility = "demo-clinic";
inline constexpr const char* kDemoDevice = "demo-terminal-01";
inline constexpr const char* kDemoUser = "demo.nurse";

struct DemoPki {
    std::filesystem::path dir;       // absolute
    std::string p12_password;        // of device.p12
    std::string root_fingerprint;    // SHA-256 of root-ca.crt, hex
    std::string device_fingerprint;  // SHA-256 of device.crt, hex
};

// Writes into pki_dir (which must exist): root-ca.{crt,key,crl}, device-ca.{crt,key,crl},
// device-ca-bundle.pem, server.{crt,key}, assertion.key, device.{crt,key,p12}.
// Keys are mode 0600. Throws naming the file on failure.
DemoPki create_demo_pki(const std::filesystem::path& pki_dir);

} // namespace sekisho::ctl
