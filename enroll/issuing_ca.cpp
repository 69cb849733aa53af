#include "enroll/issuing_ca.hpp"

#include "config/delta_crl.hpp"
#include "pki/ca.hpp"
#include "pki/certificate.hpp"
#include "pki/crl.hpp"
#include "pki/device_profile.hpp"
#include "pki/pem_io.hpp"

#include <openssl/x509.h>

#include <filesystem>
#include <stdexcept>

namespace sekisho::enroll {
namespace {

// A validity bound of a certificate this CA has just issued: always readable, so a failure
// is refused rather than registered as some date.
std::int64_t unix_of(const ASN1_TIME* t, const char* field) {
    if (auto seconds = pki::unix_seconds(t)) return *seconds;
    throw std::runtime_error(std::string("cannot read the ") + field + " of the certificate just issued");
}

std::string common_name_of(X509* cert) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return buf;
}

} // namespace

std::string crl_url(std::string public_url, const std::string& name) {
    while (public_url.ends_with('/')) public_url.pop_back();
    return public_url + "/crl/" + name + ".crl";
}

std::string registry_name_of_ca(const std::string& certificate_path) {
    auto certs = pki::load_certificates(certificate_path);
    return common_name_of(certs.front().get());
}

namespace {

config::EnrollmentConfig with_previous_ca(config::EnrollmentConfig cfg, std::size_t index) {
    if (index >= cfg.previous_cas.size())
        throw std::out_of_range("enrollment.previous_cas has no entry " + std::to_string(index));
    cfg.ca = cfg.previous_cas[index];
    return cfg;
}

} // namespace

IssuingCa::IssuingCa(const config::EnrollmentConfig& cfg, const std::string& pkcs11_module)
    : IssuingCa(cfg, "enrollment.ca", pkcs11_module) {}

IssuingCa::IssuingCa(const config::EnrollmentConfig& cfg, std::size_t previous_index, const std::string& pkcs11_module)
    : IssuingCa(with_previous_ca(cfg, previous_index),
                "enrollment.previous_cas[" + std::to_string(previous_index) + "]", pkcs11_module) {}

IssuingCa::IssuingCa(config::EnrollmentConfig cfg, std::string key, const std::string& pkcs11_module)
    : cfg_(std::move(cfg)), key_name_(std::move(key)) {
    try {
        auto certs = pki::load_certificates(cfg_.ca.certificate);
        certificate_ = std::move(certs.front());
    } catch (const std::exception& e) {
        throw std::runtime_error(key_name_ + ".certificate: " + std::string(e.what()));
    }
    try {
        key_ = pki::load_private_key(cfg_.ca.key, pkcs11_module);
    } catch (const std::exception& e) {
        throw std::runtime_error(key_name_ + ".key: " + std::string(e.what()));
    }
    if (X509_check_private_key(certificate_.get(), key_.get()) != 1)
        throw std::runtime_error(key_name_ + ".key: does not belong to " + key_name_ + ".certificate " +
                                 cfg_.ca.certificate);
    if (!cfg_.ca.chain.empty()) chain_ = pki::load_certificates(cfg_.ca.chain);
    registry_name_ = common_name_of(certificate_.get());
}

std::vector<X509*> IssuingCa::chain() const {
    std::vector<X509*> out{certificate_.get()};
    for (const auto& c : chain_) out.push_back(c.get());
    return out;
}

pki::X509Ptr IssuingCa::issue_device_certificate(EVP_PKEY* public_key, const store::Device& device,
                                                 std::optional<std::int64_t> validity_seconds) {
    const int days = validity_seconds ? 1 : static_cast<int>(cfg_.device_validity.count() / 86400);
    auto profile = pki::device_certificate_profile(device.facility, device.id, device.name, days,
                                                   crl_url(cfg_.public_url, cfg_.ca.name));
    if (validity_seconds) // to the second: a temporary credential may live a few hours
        profile.validity.not_after = std::chrono::system_clock::now() + std::chrono::seconds(*validity_seconds);
    std::lock_guard lock(mutex_);
    return pki::issue_certificate(public_key, profile, pki::Issuer{certificate_.get(), key_.get()});
}

store::DeviceCertificate IssuingCa::registry_entry(X509* cert) const {
    store::DeviceCertificate entry;
    entry.serial_hex = pki::serial_hex_of(cert);
    entry.fingerprint_sha256 = pki::sha256_fingerprint_hex(cert);
    entry.not_before = unix_of(X509_get0_notBefore(cert), "notBefore");
    entry.not_after = unix_of(X509_get0_notAfter(cert), "notAfter");
    entry.issued_at = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
    entry.issuer = registry_name_;
    return entry;
}

namespace {

// Entries of certificates that expired more than one CRL lifetime ago leave the CRL: by then a
// regular CRL issued past their validity has listed them (RFC 5280 §3.3).
store::UnixSeconds expired_before(std::chrono::seconds crl_validity) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return now - crl_validity.count();
}

// A delta CRL changes at most this many entries before a complete CRL is due anyway (or an
// eighth of the complete one, whichever is more): its clients then download the whole once.
constexpr std::size_t kDeltaFloor = 64;

void replace_file(const std::string& path, const std::string& content, const std::string& whose) {
    pki::write_file(path + ".tmp", content);
    if (std::rename((path + ".tmp").c_str(), path.c_str()) != 0)
        throw std::runtime_error(whose + ": cannot replace " + path);
}

// The crlNumber of the CRL in the file at path; 0 when there is none or it cannot be read.
std::uint64_t crl_number_in(const std::string& path) {
    try {
        if (!std::filesystem::exists(path)) return 0;
        auto crls = pki::load_crls(path);
        return crls.empty() ? 0 : pki::crl_number_of(crls.front().get(), path);
    } catch (const std::exception&) {
        return 0;
    }
}

pki::RevokedCertificate revoked_entry(const std::string& serial, store::UnixSeconds revoked_at, pki::RevocationReason reason) {
    return {serial, std::chrono::system_clock::time_point(std::chrono::seconds(revoked_at)), reason};
}

} // namespace

IssuingCa::CrlEntries IssuingCa::read_entries(store::DeviceRegistry& registry) const {
    CrlEntries entries;
    for (auto& r : registry.revoked_serials(registry_name_, expired_before(cfg_.crl_validity)))
        entries.emplace(std::move(r.serial_hex), CrlEntry{std::move(r.reason), r.revoked_at});
    return entries;
}

std::uint64_t IssuingCa::next_crl_number(std::chrono::system_clock::time_point now) {
    // crlNumber must grow across restarts too: seconds since the epoch do, the counter keeps
    // two CRLs within one second apart, and the first after a start continues above the ones
    // on disk (a burst of CRLs just before a restart, or a clock set back, would otherwise
    // number a complete CRL below a delta a client still holds).
    if (crl_number_ == 0)
        crl_number_ = std::max(crl_number_in(cfg_.ca.crl), crl_number_in(config::delta_crl_file(cfg_.ca.crl)));
    const auto seconds = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    crl_number_ = std::max(crl_number_ + 1, seconds);
    return crl_number_;
}

void IssuingCa::publish_complete(CrlEntries entries, std::chrono::system_clock::time_point now) {
    pki::CrlProfile profile;
    profile.this_update = now - std::chrono::minutes(5);
    profile.next_update = now + cfg_.crl_validity;
    profile.revoked.reserve(entries.size());
    for (const auto& [serial, entry] : entries)
        profile.revoked.push_back(revoked_entry(serial, entry.revoked_at, pki::parse_revocation_reason(entry.reason)));
    profile.crl_number = next_crl_number(now);
    // Where the deltas are: a relying party (OpenSSL with X509_V_FLAG_USE_DELTAS) applies them
    // only to a complete CRL that says so.
    if (!cfg_.public_url.empty()) profile.freshest_crl = crl_url(cfg_.public_url, config::delta_crl_name(cfg_.ca.name));
    auto crl = pki::build_crl(profile, pki::Issuer{certificate_.get(), key_.get()});
    replace_file(cfg_.ca.crl, pki::crl_to_pem(crl.get()), key_name_ + ".crl");
    crl_der_ = pki::crl_to_der(crl.get());
    crl_published_ = now;
    complete_number_ = profile.crl_number;
    complete_entries_ = std::move(entries);
    publish_delta({}, "", now); // a delta on the old complete CRL must not outlive it
}

void IssuingCa::publish_delta(const std::vector<pki::RevokedCertificate>& changes, std::string signature,
                              std::chrono::system_clock::time_point now) {
    pki::CrlProfile profile;
    profile.this_update = now - std::chrono::minutes(5);
    profile.next_update = crl_published_ + cfg_.crl_validity; // never past the complete CRL's
    profile.revoked = changes;
    profile.delta_of = complete_number_;
    profile.crl_number = next_crl_number(now);
    auto crl = pki::build_crl(profile, pki::Issuer{certificate_.get(), key_.get()});
    replace_file(config::delta_crl_file(cfg_.ca.crl), pki::crl_to_pem(crl.get()), key_name_ + ".crl (delta)");
    delta_der_ = pki::crl_to_der(crl.get());
    delta_signature_ = std::move(signature);
    delta_entries_ = changes.size();
}

std::string IssuingCa::publish_crl(store::DeviceRegistry& registry) {
    auto entries = read_entries(registry);
    std::lock_guard lock(mutex_);
    publish_complete(std::move(entries), std::chrono::system_clock::now());
    return crl_der_;
}

IssuingCa::Published IssuingCa::refresh_crl(store::DeviceRegistry& registry) {
    auto entries = read_entries(registry); // the registry read, outside the lock
    const auto now = std::chrono::system_clock::now();
    std::lock_guard lock(mutex_);
    // What changed since the complete CRL: new or changed entries (a hold become a
    // revocation), and removeFromCRL for those gone (a hold lifted, an entry long expired).
    std::vector<pki::RevokedCertificate> changes;
    std::string signature;
    for (const auto& [serial, entry] : entries) {
        const auto was = complete_entries_.find(serial);
        if (was != complete_entries_.end() && was->second.reason == entry.reason) continue;
        changes.push_back(revoked_entry(serial, entry.revoked_at, pki::parse_revocation_reason(entry.reason)));
        signature += serial + "/" + entry.reason + "\n";
    }
    for (const auto& [serial, entry] : complete_entries_) {
        if (entries.contains(serial)) continue;
        changes.push_back(revoked_entry(serial, std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count(),
                                        pki::RevocationReason::remove_from_crl));
        signature += serial + "/removeFromCRL\n";
    }
    const bool due = crl_der_.empty() || now - crl_published_ > cfg_.crl_validity / 2;
    const bool small = entries.size() <= cfg_.delta_crl_above && complete_entries_.size() <= cfg_.delta_crl_above;
    const bool outgrown = changes.size() > std::max(kDeltaFloor, complete_entries_.size() / 8);
    if (due || (!changes.empty() && (small || outgrown))) {
        publish_complete(std::move(entries), now);
        return Published::complete;
    }
    if (signature == delta_signature_) return Published::nothing;
    publish_delta(changes, std::move(signature), now);
    return Published::delta;
}

std::string IssuingCa::current_crl_der() const {
    std::lock_guard lock(mutex_);
    return crl_der_;
}

std::string IssuingCa::current_delta_crl_der() const {
    std::lock_guard lock(mutex_);
    return delta_der_;
}

std::pair<std::size_t, std::size_t> IssuingCa::crl_sizes() const {
    std::lock_guard lock(mutex_);
    return {complete_entries_.size(), delta_entries_};
}

} // namespace sekisho::enroll
