#include "pki/ca.hpp"

#include "pki/certificate.hpp"
#include "pki/x509_build.hpp"

#include <openssl/bn.h>

namespace sekisho::pki {

using namespace detail;

namespace {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslDeleter<GENERAL_NAMES_free>>;


// Version, serial, subject, validity and public key: what every certificate starts with.
X509Ptr start_certificate(EVP_PKEY* subject_key, const std::string& common_name,
                          const std::string& organization, const Validity& validity,
                          const std::string& what) {
    require_strong_key(subject_key, what);
    if (validity.not_after <= validity.not_before) {
        throw std::runtime_error(what + ": not_after must be later than not_before");
    }
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        throw OpensslError(what + ": cannot create a certificate");
    }
    set_random_serial(cert.get());
    detail::fill_subject(X509_get_subject_name(cert.get()), common_name, organization, what);
    set_time(X509_getm_notBefore(cert.get()), validity.not_before, what + " notBefore");
    set_time(X509_getm_notAfter(cert.get()), validity.not_after, what + " notAfter");
    if (X509_set_pubkey(cert.get(), public_key_copy(subject_key, what).get()) != 1) {
        throw OpensslError(what + ": cannot set the public key");
    }
    return cert;
}

void set_issuer(X509* cert, const Issuer& issuer, const std::string& what) {
    if (issuer.certificate == nullptr || issuer.key == nullptr) {
        throw std::runtime_error(what + ": issuer certificate and key are both required");
    }
    if (X509_check_private_key(issuer.certificate, issuer.key) != 1) {
        throw OpensslError(what + ": the issuer key does not belong to issuer certificate " +
                           subject_of(issuer.certificate));
    }
    if (!(X509_get_extension_flags(issuer.certificate) & EXFLAG_CA)) {
        throw std::runtime_error(what + ": issuer " + subject_of(issuer.certificate) +
                                 " is not a CA certificate");
    }
    if (X509_set_issuer_name(cert, X509_get_subject_name(issuer.certificate)) != 1) {
        throw OpensslError(what + ": cannot set the issuer name");
    }
}

void sign(X509* cert, EVP_PKEY* key, const std::string& what) {
    require_strong_key(key, what + " (signing key)");
    if (X509_sign(cert, key, signature_digest_for(key)) <= 0) {
        throw OpensslError(what + ": signing failed");
    }
}

GENERAL_NAME* ia5_name(int type, const std::string& value, const std::string& what) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (name == nullptr || text == nullptr ||
        ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) != 1) {
        GENERAL_NAME_free(name);
        ASN1_IA5STRING_free(text);
        throw OpensslError(what + ": cannot encode name " + value);
    }
    GENERAL_NAME_set0_value(name, type, text);
    return name;
}

void push_name(GENERAL_NAMES* names, GENERAL_NAME* name, const std::string& what) {
    if (sk_GENERAL_NAME_push(names, name) <= 0) {
        GENERAL_NAME_free(name);
        throw OpensslError(what + ": cannot build the name list");
    }
}

void add_subject_alt_names(X509* cert, const CertificateProfile& profile, const std::string& what) {
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) throw OpensslError(what + ": out of memory");
    for (const auto& dns : profile.dns_names) push_name(names.get(), ia5_name(GEN_DNS, dns, what), what);
    for (const auto& ip : profile.ip_addresses) {
        ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
        if (octets == nullptr) {
            throw std::runtime_error(what + ": '" + ip + "' is not an IPv4 or IPv6 address");
        }
        GENERAL_NAME* name = GENERAL_NAME_new();
        if (name == nullptr) {
            ASN1_OCTET_STRING_free(octets);
            throw OpensslError(what + ": out of memory");
        }
        GENERAL_NAME_set0_value(name, GEN_IPADD, octets);
        push_name(names.get(), name, what);
    }
    for (const auto& uri : profile.uris) push_name(names.get(), ia5_name(GEN_URI, uri, what), what);
    if (sk_GENERAL_NAME_num(names.get()) == 0) return;
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        throw OpensslError(what + ": cannot add subjectAltName");
    }
}

void add_crl_distribution_point(X509* cert, const std::string& uri, const std::string& what) {
    if (uri.empty()) return;
    auto points = detail::distribution_points(uri, what);
    if (X509_add1_ext_i2d(cert, NID_crl_distribution_points, points.get(), 0,
                          X509V3_ADD_DEFAULT) != 1) {
        throw OpensslError(what + ": cannot add crlDistributionPoints " + uri);
    }
}

void add_ca_extensions(X509* cert, X509* issuer, std::optional<int> path_length) {
    std::string basic = "critical,CA:TRUE";
    if (path_length) basic += ",pathlen:" + std::to_string(*path_length);
    add_extension(cert, issuer, NID_basic_constraints, basic);
    add_extension(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(cert, issuer, NID_subject_key_identifier, "hash");
    add_extension(cert, issuer, NID_authority_key_identifier, "keyid:always");
}

} // namespace

Validity Validity::days_from_now(int days) {
    const auto now = std::chrono::system_clock::now();
    return {now - std::chrono::minutes(5), now + std::chrono::days(days)};
}

X509Ptr create_root_ca(EVP_PKEY* key, const CaProfile& profile) {
    const std::string what = "root CA '" + profile.common_name + "'";
    X509Ptr cert = start_certificate(key, profile.common_name, profile.organization,
                                     profile.validity, what);
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
        throw OpensslError(what + ": cannot set the issuer name");
    }
    add_ca_extensions(cert.get(), cert.get(), profile.path_length);
    sign(cert.get(), key, what);
    return cert;
}

X509Ptr create_intermediate_ca(EVP_PKEY* subject_key, const CaProfile& profile,
                               const Issuer& issuer) {
    const std::string what = "intermediate CA '" + profile.common_name + "'";
    X509Ptr cert = start_certificate(subject_key, profile.common_name, profile.organization,
                                     profile.validity, what);
    set_issuer(cert.get(), issuer, what);
    add_ca_extensions(cert.get(), issuer.certificate, profile.path_length.value_or(0));
    add_crl_distribution_point(cert.get(), profile.crl_distribution_point, what);
    sign(cert.get(), issuer.key, what);
    return cert;
}

X509Ptr issue_certificate(EVP_PKEY* subject_key, const CertificateProfile& profile,
                          const Issuer& issuer) {
    const std::string what = "certificate '" + profile.common_name + "'";
    if (!profile.client_auth && !profile.server_auth) {
        throw std::runtime_error(what + ": the profile needs clientAuth and/or serverAuth");
    }
    X509Ptr cert = start_certificate(subject_key, profile.common_name, profile.organization,
                                     profile.validity, what);
    set_issuer(cert.get(), issuer, what);
    add_extension(cert.get(), issuer.certificate, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), issuer.certificate, NID_key_usage, "critical,digitalSignature");
    std::string eku;
    if (profile.client_auth) eku = "clientAuth";
    if (profile.server_auth) eku += eku.empty() ? "serverAuth" : ",serverAuth";
    add_extension(cert.get(), issuer.certificate, NID_ext_key_usage, eku);
    add_subject_alt_names(cert.get(), profile, what);
    add_extension(cert.get(), issuer.certificate, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), issuer.certificate, NID_authority_key_identifier, "keyid:always");
    add_crl_distribution_point(cert.get(), profile.crl_distribution_point, what);
    sign(cert.get(), issuer.key, what);
    return cert;
}

std::string serial_hex_of(X509* cert) {
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) throw OpensslError("cannot read the serial of " + subject_of(cert));
    char* hex = BN_bn2hex(bn.get());
    if (hex == nullptr) throw OpensslError("cannot print the serial of " + subject_of(cert));
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

namespace detail {

CrlDistPointsPtr distribution_points(const std::string& uri, const std::string& what) {
    CrlDistPointsPtr points(sk_DIST_POINT_new_null());
    DIST_POINT* point = DIST_POINT_new();
    if (!points || point == nullptr || sk_DIST_POINT_push(points.get(), point) <= 0) {
        DIST_POINT_free(point);
        throw OpensslError(what + ": out of memory");
    }
    point->distpoint = DIST_POINT_NAME_new();
    if (point->distpoint == nullptr) throw OpensslError(what + ": out of memory");
    point->distpoint->type = 0; // fullName
    point->distpoint->name.fullname = GENERAL_NAMES_new();
    if (point->distpoint->name.fullname == nullptr) throw OpensslError(what + ": out of memory");
    push_name(point->distpoint->name.fullname, ia5_name(GEN_URI, uri, what), what);
    return points;
}

} // namespace detail

} // namespace sekisho::pki
