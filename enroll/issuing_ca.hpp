// The device-issuing CA as enrollment uses it: signs device certificates from the
// registry's profile and keeps the CA's CRL in step with the registry.
// Every call may block (file I/O, PKCS#11): the gateway runs it on its blocking pool,
// never on an I/O thread.
#pragma once

#include "config/config.hpp"
#include "pki/crl.hpp"
#include "pki/key_store.hpp"
#include "pki/ossl.hpp"
#include "store/device_registry.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::enroll {

// Where the enrollment listener serves the CRL called name (a CA's, or a file of tls.crl
// by its name without .crl): <public_url>/crl/<name>.crl; a trailing '/' of public_url
// is dropped.
std::string crl_url(std::string public_url, const std::string& name);

// The name the registry records for certificates of the CA certificate in the PEM file at
// path (its subject CN); throws naming the file.
std::string registry_name_of_ca(const std::string& certificate_path);

class IssuingCa {
public:
    // enrollment.ca: loads certificate, key (file or PKCS#11) and chain; throws naming the
    // config key.
    IssuingCa(const config::EnrollmentConfig& cfg, const std::string& pkcs11_module);
    // enrollment.previous_cas[index], after a rollover: only its CRL is still signed.
    IssuingCa(const config::EnrollmentConfig& cfg, std::size_t previous_index, const std::string& pkcs11_module);

    // The CA's name as the registry records it (the certificate's subject CN).
    const std::string& registry_name() const { return registry_name_; }
    const std::string& name() const { return cfg_.ca.name; } // as in /crl/<name>.crl
    X509* certificate() const { return certificate_.get(); }
    // The CA certificate and the rest of its chain, for /cacerts and PKCS#12 files.
    std::vector<X509*> chain() const;

    // A device certificate for public_key: the profile of REQUIREMENTS §4 (CN=name,
    // O=facility, SAN URI urn:sekisho:device:<facility>:<id>, clientAuth, CRL DP), valid for
    // enrollment.device_validity — or, for a temporary credential, validity_seconds.
    pki::X509Ptr issue_device_certificate(EVP_PKEY* public_key, const store::Device& device,
                                          std::optional<std::int64_t> validity_seconds = std::nullopt);

    // The registry entry for a certificate this CA issued.
    store::DeviceCertificate registry_entry(X509* cert) const;

    // Rebuilds the complete CRL from the registry's revocations and writes it (atomically) to
    // the CA's crl file, with an empty delta CRL on top of it. Returns the DER bytes, also
    // served at /crl/<name>.crl.
    std::string publish_crl(store::DeviceRegistry& registry);
    enum class Published { nothing, delta, complete };
    // Publishes what changed in the registry's revocations since the last CRL: a complete CRL
    // while it is small (enrollment.delta_crl_above), when it is due (older than half its
    // validity) or when the changes have grown past an eighth of it; otherwise a delta CRL
    // (RFC 5280 §5.2.4) of the changes since the complete one, written beside the crl file
    // (<name>-delta.crl) and served at /crl/<name>-delta.crl. Nothing when nothing changed.
    Published refresh_crl(store::DeviceRegistry& registry);
    std::string current_crl_der() const;
    std::string current_delta_crl_der() const;
    // Entries of the last complete CRL and of the last delta CRL, for the log.
    std::pair<std::size_t, std::size_t> crl_sizes() const;

private:
    IssuingCa(config::EnrollmentConfig cfg, std::string key, const std::string& pkcs11_module);

    config::EnrollmentConfig cfg_; // cfg_.ca is this CA, whichever of the configured it is
    std::string key_name_;         // "enrollment.ca" or "enrollment.previous_cas[i]", for messages
    pki::X509Ptr certificate_;
    pki::PrivateKey key_;
    std::vector<pki::X509Ptr> chain_;
    std::string registry_name_;
    // A serial on the complete CRL: its reason and date.
    struct CrlEntry {
        std::string reason;
        store::UnixSeconds revoked_at = 0;
    };
    using CrlEntries = std::map<std::string, CrlEntry>; // by serial
    CrlEntries read_entries(store::DeviceRegistry& registry) const;
    // Holding mutex_: sign and write a complete CRL of entries and an empty delta on it.
    void publish_complete(CrlEntries entries, std::chrono::system_clock::time_point now);
    // Holding mutex_: sign and write a delta CRL of changes on the last complete CRL.
    void publish_delta(const std::vector<pki::RevokedCertificate>& changes, std::string signature,
                       std::chrono::system_clock::time_point now);
    std::uint64_t next_crl_number(std::chrono::system_clock::time_point now);

    mutable std::mutex mutex_; // CRL state and key use
    std::uint64_t crl_number_ = 0; // the last one given, complete or delta: they share the sequence
    std::uint64_t complete_number_ = 0;
    CrlEntries complete_entries_;  // what the last complete CRL lists
    std::string crl_der_;
    std::chrono::system_clock::time_point crl_published_{};
    std::string delta_der_;
    std::string delta_signature_;  // serial/reason of each change the last delta listed
    std::size_t delta_entries_ = 0;
};

} // namespace sekisho::enroll
