// The contents of a terminal's (device's) certificate, decided by the gateway alone: the
// CSR contributes only the public key (csr_policy.hpp).
#pragma once

#include "pki/ca.hpp"

#include <string>

namespace sekisho::pki {

// Subject O=<facility>, CN=<device_name>; SAN URI urn:sekisho:device:<facility>:<device_id>;
// extendedKeyUsage clientAuth only; valid from 5 minutes ago for validity_days days;
// a CRL distribution point at crl_url. (Key usage, basicConstraints CA:FALSE, the random
// serial and SKI/AKI are added by issue_certificate.)
// Throws std::invalid_argument naming the field when:
//  - facility or device_id is empty or not made only of [A-Za-z0-9._-] (they go into a URN
//    and are compared literally by the gateway), or longer than 64 characters;
//  - device_name is empty or longer than 64 characters (the X.520 limit for CN);
//  - validity_days is not between 1 and 3650;
//  - crl_url does not start with http:// or https://.
CertificateProfile device_certificate_profile(const std::string& facility, const std::string& device_id,
                                              const std::string& device_name, int validity_days,
                                              const std::string& crl_url);

} // namespace sekisho::pki
