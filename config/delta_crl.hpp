// Where an issuing CA's delta CRL lives (RFC 5280 §5.2.4): served as /crl/<name>-delta.crl,
// written beside the CA's crl file. One definition for the CA that writes it, the listener
// that serves it and the configuration check that keeps two CAs' files apart.
#pragma once

#include <string>

namespace sekisho::config {

// The name its URL uses: device-ca → device-ca-delta.
inline std::string delta_crl_name(const std::string& ca_name) {
    return ca_name + "-delta";
}

// Its file beside the complete CRL's: device-ca.crl → device-ca-delta.crl.
inline std::string delta_crl_file(const std::string& crl_file) {
    if (crl_file.ends_with(".crl")) return crl_file.substr(0, crl_file.size() - 4) + "-delta.crl";
    return crl_file + ".delta";
}

} // namespace sekisho::config
