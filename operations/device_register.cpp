#include "operations/device_register.hpp"

#include "operations/device_output.hpp"
#include "pki/ca.hpp"
#include "pki/certificate.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace sekisho::operations {

namespace {

store::UnixSeconds unix_seconds_of(const ASN1_TIME* time, const std::string& cert_path, const char* field) {
    const auto seconds = pki::unix_seconds(time);
    if (!seconds) throw std::runtime_error(cert_path + ": the certificate's " + field + " cannot be read");
    return static_cast<store::UnixSeconds>(*seconds);
}

// The issuing CA's common name: how operators name CAs (e.g. "Sekisho Demo Device-Issuing CA").
std::string issuer_name_of(X509* cert) {
    X509_NAME* issuer = X509_get_issuer_name(cert);
    const int index = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
    if (index >= 0) {
        ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, index));
        unsigned char* utf8 = nullptr;
        const int length = ASN1_STRING_to_UTF8(&utf8, data);
        if (length > 0) {
            std::string name(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(length));
            OPENSSL_free(utf8);
            return name;
        }
        OPENSSL_free(utf8);
    }
    char buffer[512];
    X509_NAME_oneline(issuer, buffer, sizeof buffer);
    return buffer;
}

std::string describe(const store::Device& device) {
    return "device " + device.id + " (" + device.facility + "/" + device.name + ", " +
           store::to_string(device.status) + ")";
}

store::DeviceCertificate certificate_record(X509* cert, const DeviceRegistration& request) {
    const std::string& path = request.cert_path;
    if (!pki::has_client_auth_eku(cert)) {
        throw std::runtime_error(path + ": the certificate has no clientAuth extended key usage; a terminal "
                                        "certificate needs extendedKeyUsage=clientAuth");
    }
    if (X509_check_ca(cert) == 1) {
        throw std::runtime_error(path + ": this is a CA certificate, not a terminal certificate");
    }
    // The registry decides a terminal's facility; a certificate that names another one would
    // make every log line and backend header about it ambiguous.
    if (const auto named = pki::facility_of(cert); !named.empty() && named != request.facility) {
        throw std::runtime_error(path + ": the certificate names facility \"" + named + "\" (SAN URI or O), not \"" +
                                 request.facility + "\"; register it under its own facility or issue a new one");
    }
    store::DeviceCertificate record;
    record.serial_hex = pki::serial_hex_of(cert);
    record.fingerprint_sha256 = pki::sha256_fingerprint_hex(cert);
    record.not_before = unix_seconds_of(X509_get0_notBefore(cert), path, "notBefore");
    record.not_after = unix_seconds_of(X509_get0_notAfter(cert), path, "notAfter");
    record.issued_at = record.not_before; // an imported certificate was issued when it took effect
    record.issuer = request.issuer.value_or(issuer_name_of(cert));
    if (record.not_after <= static_cast<store::UnixSeconds>(std::time(nullptr))) {
        throw std::runtime_error(path + ": the certificate expired at " + iso_time(record.not_after) +
                                 " (notAfter); issue a new one");
    }
    return record;
}

} // namespace

store::Device register_device(store::DeviceRegistry& registry, const DeviceRegistration& request) {
    std::vector<pki::X509Ptr> certs = pki::parse_certificates(request.cert_pem, request.cert_path);
    const store::DeviceCertificate record = certificate_record(certs.front().get(), request);

    if (auto owner = registry.find_device_by_fingerprint(record.fingerprint_sha256)) {
        throw std::runtime_error(request.cert_path + ": certificate SHA-256 " + record.fingerprint_sha256 +
                                 " is already registered to " + describe(*owner));
    }
    if (auto owner = registry.find_device_by_serial(record.serial_hex)) {
        throw std::runtime_error(request.cert_path + ": a certificate with serial " + record.serial_hex +
                                 " is already registered to " + describe(*owner));
    }

    // Two transactions: should the second fail after all (a concurrent registration of the
    // same certificate), the new device must not stay active without a certificate.
    store::Device device = registry.create_device(request.facility, request.name, request.actor);
    try {
        registry.add_certificate(device.id, record, request.actor);
    } catch (const std::exception& e) {
        try {
            registry.set_status(device.id, store::DeviceStatus::revoked, "unspecified", request.actor);
        } catch (const std::exception&) {
            // The original failure is the one to report; the revocation note below says so.
        }
        throw std::runtime_error(std::string(e.what()) + " (device " + device.id +
                                 " was created without it and has been revoked)");
    }
    if (auto stored = registry.get_device(device.id)) return *stored;
    throw store::RegistryError("device " + device.id + " vanished right after it was registered");
}

} // namespace sekisho::operations
