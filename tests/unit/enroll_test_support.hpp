// Helpers shared by the enroll unit tests: a device-issuing CA on disk, as enrollment.ca names it.
#pragma once

#include "config/config.hpp"
#include "pki/pem_io.hpp"
#include "pki_test_support.hpp"

namespace sekisho::enroll::test {

// The enrollment section of a gateway whose issuing CA is test_ca's, its files written to dir
// (device-ca.crt, .key, .crl and root-ca.crt as the chain).
inline config::EnrollmentConfig issuing_ca_on_disk(const pki::test::TempDir& dir, const pki::test::TestCa& test_ca) {
    config::EnrollmentConfig cfg;
    cfg.public_url = "https://enroll.example.jp:8444";
    cfg.ca.name = "device-ca";
    cfg.ca.certificate = dir.file("device-ca.crt");
    cfg.ca.key = dir.file("device-ca.key");
    cfg.ca.chain = dir.file("root-ca.crt");
    cfg.ca.crl = dir.file("device-ca.crl");
    pki::write_certificates_pem(cfg.ca.certificate, {test_ca.issuing.get()});
    pki::write_private_key_pem(cfg.ca.key, test_ca.issuing_key.get());
    pki::write_certificates_pem(cfg.ca.chain, {test_ca.root.get()});
    return cfg;
}

} // namespace sekisho::enroll::test
