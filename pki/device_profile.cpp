#include "pki/device_profile.hpp"

#include <algorithm>
#include <stdexcept>

namespace sekisho::pki {
namespace {

constexpr std::size_t kMaxNameCharacters = 64; // ub-common-name, ub-organization-name
constexpr int kMaxValidityDays = 3650;

bool is_identifier_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

// Code points in UTF-8 text: every byte that is not a continuation byte (10xxxxxx).
std::size_t utf8_length(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void require_identifier(const std::string& field, const std::string& value) {
    if (value.empty()) throw std::invalid_argument("device certificate: " + field + " is empty");
    if (!std::all_of(value.begin(), value.end(), is_identifier_char)) {
        throw std::invalid_argument("device certificate: " + field + " '" + value +
                                    "' may contain only letters A-Z a-z, digits and . _ -");
    }
    if (value.size() > kMaxNameCharacters) {
        throw std::invalid_argument("device certificate: " + field + " '" + value +
                                    "' is longer than 64 characters");
    }
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

} // namespace

CertificateProfile device_certificate_profile(const std::string& facility, const std::string& device_id,
                                              const std::string& device_name, int validity_days,
                                              const std::string& crl_url) {
    require_identifier("facility", facility);
    require_identifier("device id", device_id);
    if (device_name.empty()) throw std::invalid_argument("device certificate: device name is empty");
    if (utf8_length(device_name) > kMaxNameCharacters) {
        throw std::invalid_argument("device certificate: device name '" + device_name +
                                    "' is longer than 64 characters (the limit for a CN)");
    }
    if (validity_days < 1 || validity_days > kMaxValidityDays) {
        throw std::invalid_argument("device certificate: validity of " + std::to_string(validity_days) +
                                    " days is out of range (1 to 3650 days)");
    }
    if (!starts_with(crl_url, "http://") && !starts_with(crl_url, "https://")) {
        throw std::invalid_argument("device certificate: CRL URL '" + crl_url +
                                    "' must start with http:// or https://");
    }
    CertificateProfile profile;
    profile.common_name = device_name;
    profile.organization = facility;
    profile.uris = {"urn:sekisho:device:" + facility + ":" + device_id};
    profile.client_auth = true;
    profile.server_auth = false;
    profile.validity = Validity::days_from_now(validity_days);
    profile.crl_distribution_point = crl_url;
    return profile;
}

} // namespace sekisho::pki
