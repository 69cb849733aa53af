// The demo's PKI: the CAs, CRLs and keys the demo gateway needs, written into one folder.
// The demo terminal's key and certificate are not made here: it is enrolled like any
// terminal (demo_terminal.hpp).
#pragma once

#include <filesystem>
#include <string>

namespace sekisho::ctl {

inline constexpr const char* kDemoFacility = "demo-clinic";
inline constexpr const char* kDemoDevice = "demo-terminal-01";
inline constexpr const char* kDemoUser = "demo.nurse";

struct DemoPki {
    std::filesystem::path dir;    // absolute
    std::string root_fingerprint; // SHA-256 of root-ca.crt, hex
};

// Writes into pki_dir (which must exist): root-ca.{crt,key,crl}, device-ca.{crt,key,crl},
// device-ca-bundle.pem, server.{crt,key}, assertion.key.
// Keys are mode 0600. Throws naming the file on failure.
DemoPki create_demo_pki(const std::filesystem::path& pki_dir);

} // namespace sekisho::ctl
