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
// device-ca-bundle.pem, server.{crt,key}, assertion.key, audit-seal.{key,pub}. The device CA certificate's CRL
// distribution point is the root's CRL under crl_url_base (the enrollment listener), as
// `pki init --crl-url-base` makes it. Keys are mode 0600. Throws naming the file on failure.
DemoPki create_demo_pki(const std::filesystem::path& pki_dir, const std::string& crl_url_base);

} // namespace sekisho::ctl
